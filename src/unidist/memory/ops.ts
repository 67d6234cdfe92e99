/**
 * Every change to persistent unidist data is one `UnidistOp`. Live calls and journal replay go
 * through the same `applyOp`, so a restart rebuilds exactly what the live process had. Ops
 * carry results, not intents (a counter op stores the new value, not "+1"), so replaying a
 * record twice cannot drift a counter.
 */
export type UnidistOp =
  /** counter `n` := `v` */
  | { readonly o: 'c'; readonly n: string; readonly v: number }
  /** state bucket `b`, key `k` := `v` */
  | { readonly o: 's'; readonly b: string; readonly k: string; readonly v: unknown }
  /** delete state bucket `b`, key `k` */
  | { readonly o: 'sd'; readonly b: string; readonly k: string }
  /** append `m` to queue `n` (then trim to the queue's maxLength) */
  | { readonly o: 'qa'; readonly n: string; readonly m: unknown }
  /** remove the oldest message of queue `n` */
  | { readonly o: 'qo'; readonly n: string }
  /** remove the newest message of queue `n` */
  | { readonly o: 'qn'; readonly n: string }
  /** set queue `n`'s maxLength (null = unbounded), trimming now */
  | { readonly o: 'qm'; readonly n: string; readonly v: number | null }
  /** lock `n`'s fencing tokens up to `v` may have been handed out */
  | { readonly o: 't'; readonly n: string; readonly v: number };
