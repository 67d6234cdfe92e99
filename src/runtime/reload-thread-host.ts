/**
 * The RunThreadHost a hot reload processes the new block with (SPEC §8). The engine meets the
 * new block's `cache:` items one by one and asks to start their RunThreads; this host decides,
 * for each, from the reload's plan:
 *
 * - a running thread the plan keeps (same item, script code and collect declaration) is joined:
 *   it keeps its schedule, so no tick is missed or run twice;
 * - any other running thread of that id stops after its tick in flight, then starts on the new
 *   definition (its time-series collector stays open when its declaration is unchanged);
 * - an id that is not running starts.
 *
 * It records what it did, and which ids the new block reached, so that the caller can stop the
 * threads the new block no longer starts.
 */
import type { RunThreadHost, RunThreadSpec, RunThreadStatus, StartedRunThread } from '../schedule/types.js';

/** What the runtime needs of its RunThreads to swap them (RunThreadManager). */
export interface SwappableThreads extends RunThreadHost {
  /** `announce: false`: the reload's own line says it, so the start is logged at debug. */
  start(spec: RunThreadSpec, options?: { readonly announce?: boolean }): Promise<StartedRunThread>;
  has(id: string): boolean;
  ids(): string[];
  statuses(): RunThreadStatus[];
  /** The definition running thread `id` was started from. */
  specOf(id: string): RunThreadSpec | undefined;
  retire(id: string, deadlineMs: number, options: { readonly keepCollector: boolean }): Promise<void>;
}

/** What decides whether a RunThread can keep running: its definition as the engine made it. */
export interface ThreadFacts {
  readonly id: string;
  /** The run item, placeholders filled. */
  readonly item: Readonly<Record<string, unknown>>;
  /** Absolute path of the script its ticks run (undefined for a shell thread). */
  readonly script: string | undefined;
  /** Folder its relative data paths resolve against. */
  readonly baseDir: string;
  /** The pipe data its ticks see, when the engine says (undefined otherwise). */
  readonly input: unknown;
}

export type ThreadDecision =
  | { readonly action: 'keep' }
  | { readonly action: 'restart'; readonly reasons: readonly string[]; readonly keepCollector: boolean }
  /** Leave the running thread as it is (the new definition cannot be applied live). */
  | { readonly action: 'refuse'; readonly reason: string };

/** The reload's rules (the pure diff of src/reload) and what changed. */
export interface SwapPlan {
  decide(running: ThreadFacts, next: ThreadFacts): ThreadDecision;
  /** Scripts (absolute paths) whose code or local imports changed: workers load them afresh. */
  readonly changedScripts: readonly string[];
}

export interface ThreadSwapRecord {
  readonly kept: string[];
  readonly restarted: { readonly id: string; readonly reasons: readonly string[] }[];
  readonly started: string[];
  readonly refused: { readonly id: string; readonly reason: string }[];
  /** Threads whose (re)start failed, with the error. */
  readonly failed: { readonly id: string; readonly error: unknown }[];
}

export function threadFacts(spec: RunThreadSpec): ThreadFacts {
  return { id: spec.id, item: spec.item, script: spec.scriptFile, baseDir: spec.baseDir, input: spec.input };
}

export class ReloadThreadHost implements RunThreadHost {
  readonly record: ThreadSwapRecord = { kept: [], restarted: [], started: [], refused: [], failed: [] };
  /** Ids the new block started or joined. */
  readonly reached = new Set<string>();

  constructor(
    private readonly threads: SwappableThreads,
    private readonly plan: SwapPlan,
    /** How long a restarted thread's tick in flight may run before it is aborted. */
    private readonly retireDeadlineMs: number,
  ) {}

  async start(spec: RunThreadSpec): Promise<StartedRunThread> {
    const { id } = spec;
    const first = !this.reached.has(id);
    this.reached.add(id);
    const running = this.threads.specOf(id);
    // A second item with the same id in the new block joins, as on a first processing.
    if (!first || !running) return this.startNew(spec, undefined);
    const decision = this.plan.decide(threadFacts(running), threadFacts(spec));
    if (decision.action === 'keep') {
      this.record.kept.push(id);
      return this.threads.start(spec);
    }
    if (decision.action === 'refuse') {
      this.record.refused.push({ id, reason: decision.reason });
      return this.threads.start(spec); // joins the running thread
    }
    await this.threads.retire(id, this.retireDeadlineMs, { keepCollector: decision.keepCollector });
    return this.startNew(spec, decision.reasons);
  }

  private async startNew(spec: RunThreadSpec, restartReasons: readonly string[] | undefined): Promise<StartedRunThread> {
    const wasRunning = this.threads.has(spec.id);
    try {
      const started = await this.threads.start(spec, { announce: false });
      if (restartReasons) this.record.restarted.push({ id: spec.id, reasons: restartReasons });
      else if (!wasRunning) this.record.started.push(spec.id);
      return started;
    } catch (error) {
      this.record.failed.push({ id: spec.id, error });
      throw error;
    }
  }
}
