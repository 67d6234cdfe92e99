/**
 * Contracts between the engine (which meets `cache:` run items), the RunThread scheduler and
 * the runtime (which attaches time-series collectors). See SPEC §3.2.
 */
import type { ScriptOutcome } from '../exec/types.js';

/**
 * A RunThread's status at one moment. The engine stores the one taken when the first processing
 * started (or joined) the thread under pipe-data key `run_thread.<id>`, with `started_at`.
 */
export interface RunThreadStatus {
  readonly id: string;
  readonly running: boolean;
  readonly intervalSeconds: number;
  /** Completed ticks (successful or failed). */
  readonly runs: number;
  /** Ticks skipped because the previous one was still running. */
  readonly skipped: number;
  readonly errors: number;
  /** Ticks another process ran (a `singleton`/`lock` thread whose slot was claimed elsewhere). */
  readonly ranElsewhere: number;
  /** Epoch seconds of the last tick's start. */
  readonly lastStart?: number | undefined;
  /** Seconds the last tick took. */
  readonly lastDuration?: number | undefined;
  readonly lastError?: string | undefined;
  /** What the thread runs, as written in the block: the script path, or `shell: <command>`. */
  readonly scripts: readonly string[];
}

/** What the engine hands over for a `cache:` run item. */
export interface RunThreadSpec {
  readonly id: string;
  readonly intervalMs: number;
  /** What the thread runs, as written (for status and logs): the script path, or `shell: <command>`. */
  readonly script: string;
  /** The run item as written (read-only): the runtime reads `timeseries collect` from it. */
  readonly item: Readonly<Record<string, unknown>>;
  /**
   * Folder that relative data paths in `item` (`timeseries collect` files and graphs) resolve
   * against: the working directory of the run list when the item started.
   */
  readonly baseDir: string;
  /** Run one tick of the item (its script or its shell command); `tickTimeMs` is the slot's ideal time. */
  readonly tick: (signal: AbortSignal, tickTimeMs: number) => Promise<ScriptOutcome>;
  /**
   * `singleton: true` / `lock: NAME` (SPEC §5): among all processes sharing the unidist back
   * end, each tick slot runs on exactly one. `lock` names the claims (default: the thread id).
   */
  readonly exclusive?: { readonly lock: string } | undefined;
  /** Absolute path of the script the ticks run (hot reload restarts the thread when its code changes). */
  readonly scriptFile?: string | undefined;
  /** The pipe data the ticks see, fixed for the thread's life (hot reload compares it). */
  readonly input?: Readonly<Record<string, unknown>> | undefined;
  /** The block file the item comes from (the `block` label of metrics). */
  readonly blockFile?: string | undefined;
  /**
   * Runs a run list of the item's block (an alert's procedure) with the engine's services, on
   * the pipe data the thread's ticks start from with `pipeData` over it.
   */
  readonly runList?: RunListRunner | undefined;
}

/** One run of a run list on behalf of a RunThread (alert procedures, SPEC §9). */
export interface RunListCall {
  /** The list as written. */
  readonly items: readonly unknown[];
  /** Its key path in the block (for error locations). */
  readonly path: readonly (string | number)[];
  /** Set over the pipe data the thread's ticks start from. */
  readonly pipeData: Readonly<Record<string, unknown>>;
  /** Extra environment for the list's scripts (ctx.env) and shell items. */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** Aborts the list (the procedure's timeout); the runtime's own stop aborts it too. */
  readonly signal: AbortSignal;
}

export type RunListRunner = (call: RunListCall) => Promise<void>;

export interface StartedRunThread {
  /** The first tick's outcome (the first processing waits for it). */
  readonly first: ScriptOutcome;
  /** Epoch ms when the thread started (its first tick), also for a thread that was joined. */
  readonly startedAtMs: number;
  status(): RunThreadStatus;
}

/** Provided by the runtime to the engine. */
export interface RunThreadHost {
  /**
   * Start the RunThread `spec.id` and resolve with its first result. Starting an id that is
   * already running returns the running thread's latest result instead of a second thread.
   */
  start(spec: RunThreadSpec): Promise<StartedRunThread>;
}
