import type { Clock, TimerHandle } from '../../src/core/clock.js';

interface Pending {
  id: number;
  at: number;
  fn: () => void;
}

/**
 * A clock tests drive by hand. `advance(ms)` fires due timers in time order, letting
 * promise continuations run between them so async code sees each tick.
 */
export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private pending: Pending[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const p: Pending = { id: ++this.seq, at: this.t + Math.max(0, ms), fn };
    this.pending.push(p);
    const handle: TimerHandle = {
      cancel: () => {
        this.pending = this.pending.filter((x) => x !== p);
      },
      unref: () => handle,
    };
    return handle;
  }

  /** Number of timers waiting. */
  get timers(): number {
    return this.pending.length;
  }

  /** Move time forward by `ms`, firing every timer due on the way (in order). */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flushMicrotasks();
      const next = this.nextDue(end);
      if (!next) break;
      this.pending = this.pending.filter((x) => x !== next);
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
    await flushMicrotasks();
  }

  /** Jump to the next timer and fire it; returns false when none is waiting. */
  async tick(): Promise<boolean> {
    await flushMicrotasks();
    const next = this.nextDue(Infinity);
    if (!next) return false;
    await this.advance(next.at - this.t);
    return true;
  }

  private nextDue(limit: number): Pending | undefined {
    let best: Pending | undefined;
    for (const p of this.pending) {
      if (p.at <= limit && (!best || p.at < best.at || (p.at === best.at && p.id < best.id))) best = p;
    }
    return best;
  }
}

/** Let queued promise continuations run (several rounds, for chained awaits). */
export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
  await new Promise<void>((r) => setImmediate(r));
}
