/**
 * Runs alert procedures (their `run` lists) without ever blocking a RunThread: `dispatch`
 * returns at once; each alert's runs go one after another (a resolve never overtakes its fire),
 * each bounded by the alert's `timeout`. A run that fails is logged; one that passes its timeout
 * has its signal aborted, is logged and left behind, and the alert's next run may start.
 * `drain` waits for everything still running, abandoned runs included, up to a deadline; a run
 * still queued then is not started (with a warning).
 */
import type { Clock } from '../core/clock.js';
import { RuntimeFailure } from '../core/errors.js';
import type { Logger } from '../core/logger.js';

export interface ActionJob {
  /** One queue per alert. */
  readonly key: string;
  /** `alert web/slow (firing)`, for log lines. */
  readonly label: string;
  readonly timeoutMs: number;
  /** Start after this settles (the state file write of the transition). */
  readonly after?: Promise<unknown> | undefined;
  readonly run: (signal: AbortSignal) => Promise<void>;
}

export type ActionOutcome = 'ok' | 'failed' | 'timed out' | 'not started';

export class ActionDispatcher {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly running = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** Called when a run ends (tests and metrics); never throws into the dispatcher. */
    private readonly onDone?: (job: ActionJob, outcome: ActionOutcome) => void,
  ) {}

  dispatch(job: ActionJob): void {
    if (this.closed) {
      this.logger.warn(`${job.label}: not run, the runtime is stopping`);
      this.onDone?.(job, 'not started');
      return;
    }
    const prev = this.chains.get(job.key) ?? Promise.resolve();
    const next = prev.then(() => job.after?.catch(() => undefined)).then(() => this.runOne(job));
    this.chains.set(job.key, next);
    this.track(next);
    void next.then(() => {
      if (this.chains.get(job.key) === next) this.chains.delete(job.key);
    });
  }

  /** Stop accepting runs; wait up to `deadlineMs` for those in flight. */
  async drain(deadlineMs: number): Promise<void> {
    this.closed = true;
    if (this.running.size === 0) return;
    let timer: { cancel(): void } | undefined;
    await Promise.race([
      Promise.allSettled([...this.running]),
      new Promise<void>((r) => {
        timer = this.clock.setTimeout(r, deadlineMs);
      }),
    ]);
    timer?.cancel();
  }

  get inFlight(): number {
    return this.running.size;
  }

  private async runOne(job: ActionJob): Promise<void> {
    if (this.closed) {
      // Queued before the stop (its state write, or an earlier run of the same alert, still in
      // progress), but not started: stopping aborts every procedure's signal anyway.
      this.logger.warn(`${job.label}: not run, the runtime is stopping`);
      this.onDone?.(job, 'not started');
      return;
    }
    const controller = new AbortController();
    const started = this.clock.now();
    let outcome: ActionOutcome;
    let timer: { cancel(): void } | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = this.clock.setTimeout(() => resolve('timeout'), job.timeoutMs);
    });
    let work: Promise<unknown>;
    try {
      work = job.run(controller.signal);
    } catch (e) {
      work = Promise.reject(e);
    }
    const settled = work.then(
      () => 'ok' as const,
      (e: unknown) => e,
    );
    this.track(settled);
    const result = await Promise.race([settled, timedOut]);
    timer?.cancel();
    const took = `${((this.clock.now() - started) / 1000).toFixed(2)} s`;
    if (result === 'ok') {
      outcome = 'ok';
      this.logger.info(`${job.label}: procedure finished in ${took}`);
    } else if (result === 'timeout') {
      outcome = 'timed out';
      controller.abort(new RuntimeFailure('PB_ERR_ABORTED', `${job.label}: procedure timed out`));
      this.logger.error(`${job.label}: procedure still running after ${job.timeoutMs / 1000} s; abandoned (its signal is aborted; the RunThread goes on)`);
    } else {
      outcome = 'failed';
      this.logger.error(`${job.label}: procedure failed after ${took}: ${messageOf(result)}`);
    }
    try {
      this.onDone?.(job, outcome);
    } catch {
      /* an observer's problem is not the dispatcher's */
    }
  }

  private track(p: Promise<unknown>): void {
    const q = p.catch(() => undefined);
    this.running.add(q);
    void q.then(() => this.running.delete(q));
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
