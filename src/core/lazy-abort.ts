/**
 * An abort controller whose `AbortSignal` is made only when something asks for it.
 *
 * Node 20 makes an `AbortSignal` in several µs (an EventTarget set up through
 * `ObjectSetPrototypeOf`, plus the garbage it leaves): the largest single cost of a small web
 * request, whose run must be abortable (timeout, client gone, runtime stop) but usually
 * finishes without any part of it listening for an abort. With this, `aborted` is a field read;
 * the signal is made on first use of `signal` (a script call, a shell item, a lock wait), and
 * it is already aborted then if `abort` came first. `onAbort` watches it without a signal (a
 * script call of the run does, ~9 µs less than a signal and its listener).
 */
export class LazyAbortController {
  private controller: AbortController | undefined;
  private abortedWith: { readonly reason: unknown } | undefined;
  private listeners: Set<() => void> | undefined;

  /** Whether `abort` was called (without making the signal). */
  get aborted(): boolean {
    return this.abortedWith !== undefined;
  }

  /** The reason given to `abort` (undefined before). */
  get reason(): unknown {
    return this.abortedWith?.reason;
  }

  /** Call `fn` once when aborted later (never when aborted already); returns the way to stop listening. */
  onAbort(fn: () => void): () => void {
    if (this.abortedWith) return noop;
    (this.listeners ??= new Set()).add(fn);
    return () => this.listeners?.delete(fn);
  }

  /** The signal, made on first use; aborted with the same reason when `abort` came first. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortedWith) this.controller.abort(this.abortedWith.reason);
    }
    return this.controller.signal;
  }

  /** Abort (the first call wins, as with `AbortController`). */
  abort(reason?: unknown): void {
    if (this.abortedWith) return;
    this.abortedWith = { reason };
    this.controller?.abort(reason);
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners) for (const fn of listeners) fn();
  }
}

function noop(): void {}
