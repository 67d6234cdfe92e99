/**
 * Aborting runs (SPEC §4 "abort ctx.signal"): one controller for the runtime's stop, and the
 * runs that bring a signal or a controller of their own (web requests with their timeouts),
 * which the stop must abort too.
 *
 * Not `AbortSignal.any`: in Node 20 each call registers with the long-lived stop signal until
 * garbage collection and costs ~100 µs (one per web request). A set of the few runs in flight,
 * aborted in a loop at stop, costs next to nothing. A run's own controller is lazy
 * (core/lazy-abort.ts): adopting it does not make its signal.
 */
import { setMaxListeners } from 'node:events';
import { IdTable } from '../core/id-table.js';
import type { LazyAbortController } from '../core/lazy-abort.js';

export interface RunSignal {
  readonly signal: AbortSignal;
  /** Forget the run (it finished). */
  unlink(): void;
}

export interface AdoptedRun {
  /** Forget the run (it finished). */
  unlink(): void;
}

export class RunAborts {
  private readonly stop = new AbortController();
  /** The runs' aborts (an IdTable: runs come and go all the time). */
  private readonly runs = new IdTable<(reason: unknown) => void>();

  constructor() {
    // Every script call of a run without a signal of its own listens on this one while it runs,
    // and a library user may have any number of runs in flight: not a leak, so no warning at 10.
    setMaxListeners(0, this.stop.signal);
  }

  /** The signal of runs without one of their own: aborted by `abortAll`. */
  get signal(): AbortSignal {
    return this.stop.signal;
  }

  /**
   * A run's own controller, aborted by `abortAll` too (its signal is not made here): a lazy one
   * (web requests) or a plain AbortController (the live block's generations, SPEC §8).
   */
  adopt(controller: Pick<LazyAbortController, 'abort'>): AdoptedRun {
    if (this.stop.signal.aborted) controller.abort(this.stop.signal.reason);
    const abort = (reason: unknown): void => controller.abort(reason);
    const id = this.runs.add(abort);
    return { unlink: () => this.runs.delete(id) };
  }

  /** A signal aborted by the run's own `signal` or by `abortAll`. */
  link(own: AbortSignal): RunSignal {
    const c = new AbortController();
    if (own.aborted || this.stop.signal.aborted) {
      c.abort(own.aborted ? own.reason : this.stop.signal.reason);
      return { signal: c.signal, unlink: () => undefined };
    }
    const onOwn = (): void => c.abort(own.reason);
    own.addEventListener('abort', onOwn, { once: true });
    const abort = (reason: unknown): void => c.abort(reason);
    const id = this.runs.add(abort);
    return {
      signal: c.signal,
      unlink: () => {
        own.removeEventListener('abort', onOwn);
        this.runs.delete(id);
      },
    };
  }

  abortAll(reason: unknown): void {
    this.stop.abort(reason);
    for (const abort of this.runs.values()) abort(reason);
  }
}
