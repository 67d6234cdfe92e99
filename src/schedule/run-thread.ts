/**
 * One interval RunThread (SPEC §3.2): re-runs a tick function every `intervalMs`.
 *
 * Scheduling is absolute: tick k is due at `start + k·interval`, and every timer is computed
 * from that target, never as "interval after the previous run", so lateness never accumulates.
 * A tick that comes due while the previous one is still running is skipped and counted (never
 * overlapped, never queued). A failing tick is logged and counted; the thread keeps ticking.
 *
 * Choices where the spec is silent:
 * - `start()` runs the first tick at once and resolves with its outcome. If the FIRST tick fails,
 *   `start()` rejects with that error unchanged and the thread stops: a CLI user expects the
 *   script's error (exit 1), not a thread quietly retrying behind a result that never came.
 * - A timer that fires more than one slot late (event loop blocked, machine suspended) runs the
 *   latest due slot; the slots it passed count as `skipped`.
 * - `tickTimeMs` handed to `onTick` is the slot's ideal time (`start + k·interval`), so samples
 *   line up on the interval regardless of timer jitter.
 * - `onTick` runs inside the tick (a slow hook delays, and may skip, the next tick, but never
 *   overlaps it). A throwing hook counts as an error of that tick; on the first tick it fails
 *   `start()` like a failing script would (e.g. a time-series file that does not match its
 *   declaration reaches the CLI instead of being counted behind a result).
 * - A tick that fails because `stop()` aborted its signal is logged at debug and not counted.
 * - Every tick of a thread gets the same `AbortSignal`, the thread's own, aborted by `stop()`
 *   only (ticks never overlap, and nothing else aborts a tick): a controller per tick cost more
 *   than the rest of the scheduling together (an AbortSignal is a heavy object, and its
 *   garbage). A tick that adds a listener to it removes it when it ends, as the script and
 *   shell runners do (a leak would show as Node's MaxListenersExceededWarning).
 * - Per tick the scheduler allocates only what the tick's promise needs: no closures, and no
 *   result object after the first tick.
 * - A tick still running when `stop()`'s deadline passes is left behind: its outcome, if it ever
 *   comes, is not delivered to `onTick` (the runtime has flushed collectors by then).
 * - `retire()` (hot reload restarting a changed thread) is `stop()` without the abort: the tick in
 *   flight runs to its end and its result is delivered; only a tick still running at the deadline
 *   is aborted and left behind. Whichever of `stop()`/`retire()` is called first decides.
 * - With a `claim` hook (cluster-safe threads, SPEC §5) slots sit on the epoch grid (k·interval
 *   since 1970), so every process names the same slots; each tick first claims its slot and runs
 *   only when the claim is won. A slot won elsewhere counts in `ranElsewhere` (not as a run); a
 *   claim that fails (back end unreachable) counts as an error of that tick. When the first
 *   slot is won elsewhere, `start()` resolves with an empty outcome: this process has no result
 *   of its own yet.
 */
import { settledWithin, type Clock, type TimerHandle } from '../core/clock.js';
import { InputError, RuntimeFailure } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { ScriptOutcome } from '../exec/types.js';
import type { RunThreadSpec, RunThreadStatus } from './types.js';

/** Called after each successful tick, inside the tick. */
export type TickHook = (outcome: ScriptOutcome, tickTimeMs: number) => void | Promise<void>;
/** Called after each failed tick (after it is logged and counted). */
export type TickErrorHook = (err: unknown, tickTimeMs: number) => void;
/**
 * Called when due ticks are skipped: because the previous tick is still running (`inFlightMs`:
 * how long it has run), or because the timer fired late (`inFlightMs` undefined: the process was
 * busy or suspended past them).
 */
export type TickSkipHook = (skippedSoFar: number, inFlightMs: number | undefined) => void;
/** Claim the slot at `tickTimeMs` before running it: true = run it here, false = another process has it. */
export type TickClaim = (tickTimeMs: number) => Promise<boolean>;

export interface RunThreadHooks {
  readonly onTick?: TickHook | undefined;
  readonly onError?: TickErrorHook | undefined;
  readonly onSkip?: TickSkipHook | undefined;
  readonly claim?: TickClaim | undefined;
}

export interface RunThreadOptions extends RunThreadHooks {
  readonly spec: RunThreadSpec;
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * `unref()` the thread's timers so they do not keep the process alive. Default false: a
   * long-running block is kept alive by its RunThreads.
   */
  readonly unrefTimers?: boolean | undefined;
}

type State = 'idle' | 'running' | 'stopping' | 'stopped';

/** A failed tick's error, as `runTick` resolves it (a successful tick resolves undefined). */
type TickFailure = { readonly error: unknown };

/** The first outcome of a thread whose first slot ran in another process. */
const NOTHING_HERE: ScriptOutcome = Object.freeze({
  returned: undefined,
  returnedNonObject: false,
  pipeDataSet: Object.freeze({}),
  pipeDataDeleted: Object.freeze([]),
  durationMs: 0,
});

/** A timer may fire this much before its target (libuv's cached loop time) and still count as on time. */
const EARLY_TOLERANCE_MS = 1;

export class RunThread {
  readonly id: string;
  private readonly spec: RunThreadSpec;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly hooks: RunThreadHooks;
  private readonly unrefTimers: boolean;

  private state: State = 'idle';
  private startMs = 0;
  private timer: TimerHandle | undefined;
  private inFlight: Promise<TickFailure | undefined> | undefined;
  /** True from a tick's start to its end (ticks never overlap). */
  private ticking = false;
  /** The signal of every tick of this thread; aborted by `stop()`. */
  private readonly controller = new AbortController();
  /** False once stop()'s deadline passed: late outcomes are no longer delivered. */
  private delivering = true;
  private startPromise: Promise<ScriptOutcome> | undefined;
  private stopPromise: Promise<void> | undefined;

  private runs = 0;
  private skipped = 0;
  private errors = 0;
  private ranElsewhere = 0;
  private lastStartMs: number | undefined;
  private lastDurationMs: number | undefined;
  private lastError: string | undefined;
  private latest: ScriptOutcome | undefined;

  constructor(options: RunThreadOptions) {
    const { spec } = options;
    if (!Number.isFinite(spec.intervalMs) || spec.intervalMs <= 0) {
      throw new InputError(
        'PB_ERR_INVALID_ARGUMENT',
        `RunThread ${spec.id}: intervalMs must be a finite number > 0, got ${String(spec.intervalMs)} (${typeof spec.intervalMs})`,
      );
    }
    this.id = spec.id;
    this.spec = spec;
    this.clock = options.clock;
    this.logger = options.logger;
    this.hooks = { onTick: options.onTick, onError: options.onError, onSkip: options.onSkip, claim: options.claim };
    this.unrefTimers = options.unrefTimers ?? false;
  }

  /** Run the first tick now and resolve with its outcome (rejects, and stops, if it fails). Idempotent. */
  start(): Promise<ScriptOutcome> {
    this.startPromise ??= this.begin();
    return this.startPromise;
  }

  /** The definition this thread was started from. */
  get definition(): RunThreadSpec {
    return this.spec;
  }

  /** The latest successful outcome, if any. */
  get latestOutcome(): ScriptOutcome | undefined {
    return this.latest;
  }

  /** Epoch ms of the start (the first tick), or undefined before it. */
  get startedAtMs(): number | undefined {
    return this.state === 'idle' ? undefined : this.startMs;
  }

  /** True while a tick is running. */
  get busy(): boolean {
    return this.inFlight !== undefined;
  }

  status(): RunThreadStatus {
    return Object.freeze({
      id: this.id,
      running: this.state === 'running',
      intervalSeconds: this.spec.intervalMs / 1000,
      runs: this.runs,
      skipped: this.skipped,
      errors: this.errors,
      ranElsewhere: this.ranElsewhere,
      lastStart: this.lastStartMs === undefined ? undefined : this.lastStartMs / 1000,
      lastDuration: this.lastDurationMs === undefined ? undefined : this.lastDurationMs / 1000,
      lastError: this.lastError,
      scripts: Object.freeze([this.spec.script]),
    });
  }

  /**
   * Stop scheduling, abort the in-flight tick's signal and wait for it up to `deadlineMs`.
   * Idempotent: every call returns the same promise.
   */
  stop(deadlineMs = 0): Promise<void> {
    this.stopPromise ??= this.halt(deadlineMs, true);
    return this.stopPromise;
  }

  /**
   * Stop scheduling and let the tick in flight finish (its result is delivered to `onTick`); a
   * tick still running after `deadlineMs` is aborted and left behind. Idempotent, shared with stop().
   */
  retire(deadlineMs = 0): Promise<void> {
    this.stopPromise ??= this.halt(deadlineMs, false);
    return this.stopPromise;
  }

  private async begin(): Promise<ScriptOutcome> {
    if (this.state !== 'idle') {
      throw new RuntimeFailure('PB_ERR_CLOSED', `RunThread ${this.id} was stopped before it started`);
    }
    this.state = 'running';
    const now = this.clock.now();
    // Claimed slots sit on the epoch grid, so every process names them alike.
    this.startMs = this.hooks.claim ? Math.floor(now / this.spec.intervalMs) * this.spec.intervalMs : now;
    this.logger.debug('RunThread started', { id: this.id, intervalMs: this.spec.intervalMs });
    this.arm(1);
    const failed = await this.runTick(this.startMs);
    if (failed) {
      this.cancelTimer();
      this.state = 'stopped';
      this.stopPromise ??= Promise.resolve();
      throw failed.error;
    }
    // A first slot claimed elsewhere leaves no outcome of this process.
    return this.latest ?? NOTHING_HERE;
  }

  private arm(slot: number): void {
    const target = this.startMs + slot * this.spec.intervalMs;
    this.timer = this.clock.setTimeout(() => this.onTimer(slot), target - this.clock.now());
    if (this.unrefTimers) this.timer.unref();
  }

  private onTimer(slot: number): void {
    this.timer = undefined;
    if (this.state !== 'running') return;
    const interval = this.spec.intervalMs;
    const now = this.clock.now();
    const target = this.startMs + slot * interval;
    if (now < target - EARLY_TOLERANCE_MS) {
      this.arm(slot);
      return;
    }
    // A timer that fires late may have passed several slots: run the latest one, skip the rest.
    const due = Math.max(slot, Math.floor((now - this.startMs) / interval));
    this.skipped += due - slot;
    if (due > slot) {
      // The slots' times (ms), so a cluster of processes can tell a slot all of them passed (a
      // stalled machine) from one nobody claimed.
      this.logger.debug('RunThread ticks skipped: the timer fired late', { id: this.id, firstMs: this.startMs + slot * interval, lastMs: this.startMs + (due - 1) * interval });
      this.hooks.onSkip?.(this.skipped, undefined);
    }
    this.arm(due + 1);
    if (this.inFlight) {
      this.skipped++;
      this.logger.debug('RunThread tick skipped: previous tick still running', { id: this.id, slot: due });
      this.hooks.onSkip?.(this.skipped, now - (this.lastStartMs ?? now));
      return;
    }
    void this.runTick(this.startMs + due * interval);
  }

  private runTick(tickTimeMs: number): Promise<TickFailure | undefined> {
    const promise = this.execute(tickTimeMs);
    // A tick that ended before its first await (a tick function or claim hook that threw
    // synchronously) is not in flight: it cleared `inFlight` before there was a promise to set.
    if (this.ticking) this.inFlight = promise;
    return promise;
  }

  /** One tick: claim, run, count, hook. `inFlight` is cleared at its end. */
  private async execute(tickTimeMs: number): Promise<TickFailure | undefined> {
    let started = this.clock.now();
    this.ticking = true;
    try {
      let failure: TickFailure | undefined;
      let outcome: ScriptOutcome | undefined;
      try {
        if (this.hooks.claim && !(await this.hooks.claim(tickTimeMs))) {
          this.ranElsewhere++;
          return undefined;
        }
        started = this.clock.now();
        this.lastStartMs = started;
        outcome = await this.spec.tick(this.controller.signal, tickTimeMs);
        this.lastDurationMs = this.clock.now() - started;
        this.latest = outcome;
      } catch (error) {
        this.lastDurationMs = this.clock.now() - started;
        failure = { error };
      }
      this.runs++;
      if (failure === undefined) {
        if (this.hooks.onTick && this.delivering) {
          try {
            // A hook that returns nothing (no I/O this tick) costs no extra await.
            const pending = this.hooks.onTick(outcome as ScriptOutcome, tickTimeMs);
            if (pending) await pending;
          } catch (error) {
            this.recordError(error, tickTimeMs, 'onTick hook failed');
            failure = { error };
          }
        }
      } else if (this.controller.signal.aborted && this.state !== 'running') {
        this.logger.debug('RunThread tick ended by stop', { id: this.id, error: messageOf(failure.error) });
      } else {
        this.recordError(failure.error, tickTimeMs, 'RunThread tick failed');
      }
      return failure;
    } finally {
      this.ticking = false;
      this.inFlight = undefined;
    }
  }

  private recordError(error: unknown, tickTimeMs: number, what: string): void {
    this.errors++;
    this.lastError = messageOf(error);
    this.logger.error(what, { id: this.id, error: this.lastError, errors: this.errors });
    try {
      this.hooks.onError?.(error, tickTimeMs);
    } catch (hookError) {
      this.logger.error('RunThread onError hook threw', { id: this.id, error: messageOf(hookError) });
    }
  }

  private async halt(deadlineMs: number, abortInFlight: boolean): Promise<void> {
    if (this.state === 'idle') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    this.cancelTimer();
    const inFlight = this.inFlight;
    // No tick starts after this (the timer is cancelled, the state is no longer running). stop()
    // aborts the thread's signal now; retire() only when the tick in flight outlives the deadline.
    const abort = (): void => this.controller.abort(new RuntimeFailure('PB_ERR_ABORTED', `RunThread ${this.id} is stopping`));
    if (abortInFlight) abort();
    if (inFlight) {
      const finished = await settledWithin(inFlight, deadlineMs, this.clock);
      if (!finished) {
        if (!abortInFlight) abort();
        this.delivering = false;
        this.logger.warn('RunThread tick still running at the stop deadline; leaving it behind', {
          id: this.id,
          deadlineMs,
        });
      }
    }
    this.state = 'stopped';
    this.logger.debug('RunThread stopped', { id: this.id, runs: this.runs, skipped: this.skipped, errors: this.errors });
  }

  private cancelTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}


function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
