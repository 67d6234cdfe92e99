/**
 * SIGHUP for a long-running block (SPEC §8: daemons reload on SIGHUP). Its default action ends
 * the process, so the handler is installed as soon as the block is known to be long-running;
 * a SIGHUP that arrives before hot reload is ready (during the first processing) is remembered
 * and replayed once it is.
 */
export interface HangupLatch {
  /** Hand SIGHUPs to `handler` from now on (a remembered one is replayed at once). */
  attach(handler: () => void): void;
  /** Remove the signal handler. Idempotent. */
  close(): void;
}

export function latchHangups(onHangup: ((handler: () => void) => () => void) | undefined, early: () => void): HangupLatch {
  let handler: (() => void) | undefined;
  let pending = false;
  const remove = onHangup?.(() => {
    if (handler) handler();
    else if (!pending) {
      pending = true;
      early();
    }
  });
  let closed = false;
  return {
    attach(h) {
      handler = h;
      if (pending) {
        pending = false;
        h();
      }
    },
    close() {
      if (closed) return;
      closed = true;
      remove?.();
    },
  };
}
