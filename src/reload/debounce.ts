/**
 * Bursts of file events → one call. `poke()` on every event; `fire` runs once the events have
 * been quiet for `quietMs`, or at the latest `maxWaitMs` after the first event of the burst (so a
 * file rewritten without pause still reloads). Time is injected.
 */
import type { Clock, TimerHandle } from '../core/clock.js';

export interface DebounceOptions {
  readonly clock: Clock;
  readonly quietMs: number;
  /** Default 10 × quietMs (at least 1 s). */
  readonly maxWaitMs?: number | undefined;
  /** Timers do not keep the process alive (default true: the runtime does that). */
  readonly unref?: boolean | undefined;
}

export class Debouncer {
  private readonly clock: Clock;
  private readonly quietMs: number;
  private readonly maxWaitMs: number;
  private readonly unref: boolean;
  private timer: TimerHandle | undefined;
  private firstEventMs: number | undefined;
  private lastEventMs = 0;

  constructor(
    options: DebounceOptions,
    private readonly fire: () => void,
  ) {
    this.clock = options.clock;
    this.quietMs = options.quietMs;
    this.maxWaitMs = options.maxWaitMs ?? Math.max(1000, 10 * options.quietMs);
    this.unref = options.unref ?? true;
  }

  /** True while a burst is waiting to fire. */
  get pending(): boolean {
    return this.firstEventMs !== undefined;
  }

  poke(): void {
    const now = this.clock.now();
    this.lastEventMs = now;
    if (this.firstEventMs === undefined) {
      this.firstEventMs = now;
      this.arm(this.quietMs);
    }
    // The armed timer re-checks when it fires (one timer per burst, not one per event).
  }

  cancel(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.firstEventMs = undefined;
  }

  private arm(ms: number): void {
    this.timer = this.clock.setTimeout(() => this.check(), ms);
    if (this.unref) this.timer.unref();
  }

  private check(): void {
    this.timer = undefined;
    const first = this.firstEventMs;
    if (first === undefined) return;
    const now = this.clock.now();
    const quietAt = this.lastEventMs + this.quietMs;
    const latest = first + this.maxWaitMs;
    if (now < quietAt && now < latest) {
      this.arm(Math.min(quietAt, latest) - now);
      return;
    }
    this.firstEventMs = undefined;
    this.fire();
  }
}
