/**
 * Time is injected. Everything that schedules (RunThreads, lock TTLs, graph re-render,
 * persistence flushes) takes a `Clock`; tests drive `FakeClock` (test/helpers/fake-clock.ts).
 */

export interface TimerHandle {
  /** Cancel the timer. Idempotent. */
  cancel(): void;
  /** Do not keep the process alive for this timer (no-op on fake clocks). */
  unref(): TimerHandle;
}

export interface Clock {
  /** Milliseconds since the epoch (may be fractional). */
  now(): number;
  /** Run `fn` once after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
}

/** The real clock: Date.now() refined by the monotonic performance clock. */
export class SystemClock implements Clock {
  // performance.timeOrigin + performance.now() is monotonic within the process and
  // aligned with wall time at start-up; Date.now() alone can jump with NTP.
  now(): number {
    return performance.timeOrigin + performance.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const t = setTimeout(fn, Math.max(0, ms));
    const handle: TimerHandle = {
      cancel: () => clearTimeout(t),
      unref: () => {
        t.unref();
        return handle;
      },
    };
    return handle;
  }
}

export const systemClock: Clock = new SystemClock();

/** Resolve after `ms` on `clock`, or reject with the signal's reason when aborted. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      timer.cancel();
      reject(signal?.reason);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Resolve true when `p` settles (either way) within `ms` on `clock`, false when the deadline
 * passes first. `p`'s own outcome is not passed on: a stop deadline only needs to know whether
 * the work is done.
 */
export function settledWithin(p: Promise<unknown>, ms: number, clock: Clock): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(() => resolve(false), ms);
    const done = (): void => {
      timer.cancel();
      resolve(true);
    };
    p.then(done, done);
  });
}
