/**
 * Warnings a user running a monitor needs without reading every log line (issue 7, point 5):
 * - a tick that overruns its interval (the next tick is skipped): warned the first time for a
 *   thread, then at most once per `overrunEveryMs` (default 10 min) with the count so far;
 * - a thread failing repeatedly: warned at 3 failures in a row, then at 10, 30, 100, 300, …
 *   (each failure is still logged by the RunThread itself); a success resets the run.
 * Time comes from the injected clock.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';

export interface TickWatchOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly overrunEveryMs?: number | undefined;
}

interface PerThread {
  failuresInRow: number;
  nextFailureWarning: number;
  lastOverrunWarning: number | undefined;
}

const FIRST_FAILURE_WARNING = 3;

export class TickWatch {
  private readonly threads = new Map<string, PerThread>();
  private readonly overrunEveryMs: number;

  constructor(private readonly options: TickWatchOptions) {
    this.overrunEveryMs = options.overrunEveryMs ?? 600_000;
  }

  /**
   * Ticks were skipped: the previous tick overran its interval (`runningForSeconds` = how long it
   * has run), or, when that is undefined, the process was too busy (or suspended) to start them.
   */
  skipped(id: string, intervalSeconds: number, skippedSoFar: number, runningForSeconds: number | undefined): void {
    const t = this.thread(id);
    const now = this.options.clock.now();
    if (t.lastOverrunWarning !== undefined && now - t.lastOverrunWarning < this.overrunEveryMs) return;
    t.lastOverrunWarning = now;
    const why =
      runningForSeconds === undefined
        ? `ticks came due while this process was busy (or suspended) and were skipped`
        : `a tick overran its ${intervalSeconds} s interval (the tick in flight has run ${runningForSeconds.toFixed(1)} s), so the next one was skipped`;
    const advice = runningForSeconds === undefined ? '' : '. Make the script faster or give it a longer cache: interval';
    this.options.logger.warn(`RunThread ${id}: ${why}; ${skippedSoFar} tick(s) skipped so far${advice}`, { id, skipped: skippedSoFar });
  }

  failed(id: string, error: string): void {
    const t = this.thread(id);
    t.failuresInRow++;
    if (t.failuresInRow < t.nextFailureWarning) return;
    this.options.logger.warn(`RunThread ${id} has failed ${t.failuresInRow} ticks in a row (last: ${error}); it keeps ticking`, {
      id,
      failuresInRow: t.failuresInRow,
    });
    t.nextFailureWarning = nextWarning(t.nextFailureWarning);
  }

  succeeded(id: string): void {
    const t = this.thread(id);
    t.failuresInRow = 0;
    t.nextFailureWarning = FIRST_FAILURE_WARNING;
  }

  private thread(id: string): PerThread {
    let t = this.threads.get(id);
    if (!t) {
      t = { failuresInRow: 0, nextFailureWarning: FIRST_FAILURE_WARNING, lastOverrunWarning: undefined };
      this.threads.set(id, t);
    }
    return t;
  }
}

/** 3 → 10 → 30 → 100 → 300 → … */
function nextWarning(n: number): number {
  const digits = String(n)[0] === '3' ? n * (10 / 3) : n * 3;
  return Math.round(digits);
}
