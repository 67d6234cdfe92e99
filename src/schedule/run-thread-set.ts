/**
 * The runtime's RunThreads, by id. Implements `RunThreadHost` for the engine: starting an id that
 * is already running joins the running thread (its latest result) instead of starting a second one.
 * A thread whose first tick failed is removed, so a later processing may try again.
 */
import type { Clock } from '../core/clock.js';
import { RuntimeFailure } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { ScriptOutcome } from '../exec/types.js';
import { RunThread, type RunThreadHooks } from './run-thread.js';
import type { RunThreadHost, RunThreadSpec, RunThreadStatus, StartedRunThread } from './types.js';

export interface RunThreadSetOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * Called once when a thread is created; what it returns is attached to that thread (the runtime
   * attaches a time-series collector here).
   */
  readonly hooks?: ((spec: RunThreadSpec) => RunThreadHooks | undefined) | undefined;
  /** See `RunThreadOptions.unrefTimers`. Default false. */
  readonly unrefTimers?: boolean | undefined;
}

interface Entry {
  readonly thread: RunThread;
  readonly started: Promise<unknown>;
}

export class RunThreadSet implements RunThreadHost {
  private readonly options: RunThreadSetOptions;
  private readonly threads = new Map<string, Entry>();
  /** Threads being retired: a new start of the id waits for them; stopAll stops them too. */
  private readonly retiring = new Map<string, { readonly thread: RunThread; readonly done: Promise<void> }>();
  private stopPromise: Promise<void> | undefined;

  constructor(options: RunThreadSetOptions) {
    this.options = options;
  }

  async start(spec: RunThreadSpec): Promise<StartedRunThread> {
    if (this.stopPromise) {
      throw new RuntimeFailure('PB_ERR_CLOSED', `cannot start RunThread ${spec.id}: the RunThreads are stopping`);
    }
    // A thread of this id finishing its last tick (retire) never overlaps its successor.
    const retiring = this.retiring.get(spec.id);
    if (retiring) {
      await retiring.done;
      if (this.stopPromise) throw new RuntimeFailure('PB_ERR_CLOSED', `cannot start RunThread ${spec.id}: the RunThreads are stopping`);
    }
    const existing = this.threads.get(spec.id);
    if (existing) {
      if (existing.thread.status().scripts[0] !== spec.script) {
        this.options.logger.warn('thread_id already runs another script; joining the running thread', {
          id: spec.id,
          running: existing.thread.status().scripts[0],
          requested: spec.script,
        });
      }
      await existing.started;
      const { thread } = existing;
      // A thread whose start resolved always has an outcome.
      const latest = thread.latestOutcome as ScriptOutcome;
      return { first: latest, startedAtMs: thread.startedAtMs ?? 0, status: () => thread.status() };
    }

    const hooks = this.options.hooks?.(spec);
    const thread = new RunThread({
      spec,
      clock: this.options.clock,
      logger: this.options.logger.child(`run-thread:${spec.id}`),
      onTick: hooks?.onTick,
      onError: hooks?.onError,
      onSkip: hooks?.onSkip,
      claim: hooks?.claim,
      unrefTimers: this.options.unrefTimers,
    });
    const started = thread.start();
    const entry: Entry = { thread, started };
    this.threads.set(spec.id, entry);
    try {
      const first = await started;
      return { first, startedAtMs: thread.startedAtMs ?? 0, status: () => thread.status() };
    } catch (error) {
      if (this.threads.get(spec.id) === entry) this.threads.delete(spec.id);
      throw error;
    }
  }

  get(id: string): RunThread | undefined {
    return this.threads.get(id)?.thread;
  }

  /** Ids of the threads in the set (running, or starting). */
  ids(): string[] {
    return [...this.threads.keys()];
  }

  /**
   * Take thread `id` out of the set after its tick in flight finishes (`RunThread.retire`); a
   * later `start` of the id starts a new thread. Hot reload restarts and removes threads this way.
   */
  async retire(id: string, deadlineMs = 0): Promise<void> {
    const entry = this.threads.get(id);
    if (!entry) return this.retiring.get(id)?.done;
    this.threads.delete(id);
    const done = entry.thread.retire(deadlineMs);
    const retiring = { thread: entry.thread, done };
    this.retiring.set(id, retiring);
    try {
      await done;
    } finally {
      if (this.retiring.get(id) === retiring) this.retiring.delete(id);
    }
  }

  statuses(): RunThreadStatus[] {
    return [...this.threads.values()].map((e) => e.thread.status());
  }

  /** Stop every thread, each waiting up to `deadlineMs` for its in-flight tick. Idempotent. */
  stopAll(deadlineMs = 0): Promise<void> {
    const threads = [...[...this.threads.values()].map((e) => e.thread), ...[...this.retiring.values()].map((r) => r.thread)];
    this.stopPromise ??= Promise.all(threads.map((t) => t.stop(deadlineMs))).then(() => undefined);
    return this.stopPromise;
  }
}
