import type { Clock, TimerHandle } from '../../core/clock.js';
import { RuntimeFailure } from '../../core/errors.js';

/** How long to wait: `timeout` ms via the clock (undefined = forever), and an optional AbortSignal. */
export interface WaitOptions {
  readonly timeout?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

interface Waiter<T, P> {
  param: P;
  resolve(value: T | null): void;
  reject(error: unknown): void;
  timer: TimerHandle | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * A FIFO of parked callers (lock acquirers, queue takers). Nobody polls: a waiter is woken
 * by `grant()` from whoever frees the resource, by its timeout timer (resolves `null`), or by
 * its AbortSignal (rejects PB_ERR_ABORTED). Every timer and abort listener is removed when the
 * waiter leaves the list, however it leaves.
 */
export class WaitList<T, P = void> {
  private readonly waiters: Waiter<T, P>[] = [];

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.waiters.length;
  }

  /** Park a caller. The caller must already have checked that the resource is unavailable. */
  park(options: WaitOptions, param: P): Promise<T | null> {
    return new Promise<T | null>((resolve, reject) => {
      const { signal, timeout } = options;
      if (signal?.aborted) {
        reject(abortedError(signal));
        return;
      }
      const w: Waiter<T, P> = { param, resolve, reject, timer: undefined, signal, onAbort: undefined };
      if (timeout !== undefined) {
        w.timer = this.clock.setTimeout(() => {
          w.timer = undefined;
          if (this.remove(w)) resolve(null);
        }, timeout);
      }
      if (signal) {
        w.onAbort = () => {
          if (this.remove(w)) reject(abortedError(signal));
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      this.waiters.push(w);
    });
  }

  /**
   * Hand `value` to the oldest waiter. Returns false when nobody is waiting (the caller keeps
   * the resource). The value is made for that waiter from the `param` it parked with.
   */
  grant(make: (param: P) => T): boolean {
    const w = this.waiters.shift();
    if (!w) return false;
    this.detach(w);
    w.resolve(make(w.param));
    return true;
  }

  /** Reject every waiter (back end closing, client gone). */
  rejectAll(error: unknown): void {
    const all = this.waiters.splice(0);
    for (const w of all) {
      this.detach(w);
      w.reject(error);
    }
  }

  private remove(w: Waiter<T, P>): boolean {
    const i = this.waiters.indexOf(w);
    if (i < 0) return false;
    this.waiters.splice(i, 1);
    this.detach(w);
    return true;
  }

  private detach(w: Waiter<T, P>): void {
    w.timer?.cancel();
    w.timer = undefined;
    if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
    w.onAbort = undefined;
  }
}

export function abortedError(signal: AbortSignal): RuntimeFailure {
  return new RuntimeFailure('PB_ERR_ABORTED', 'the wait was aborted', { cause: signal.reason });
}
