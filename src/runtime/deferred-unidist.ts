/**
 * `Unidist`s whose calls wait for the real one.
 *
 * - `deferredUnidist(ready)` lets the script runner (and its first worker thread) start before
 *   the block is loaded and the runtime exists: start-up work on two threads instead of one
 *   after the other.
 * - `lazyUnidist(open)` opens the real one on first use: a block that never touches unidist (no
 *   counter, lock, state or queue call, not long-running) never opens, locks or compacts its
 *   state folder — about 10–25 ms of a one-shot run. A failure to open (the folder is held by
 *   another process) is the error of every call, and so of the first one.
 */
import { RuntimeFailure } from '../core/errors.js';
import type { Unidist } from '../unidist/types.js';

type AnyFn = (...args: unknown[]) => unknown;
type Member = 'lock' | 'counter' | 'state' | 'queue' | 'log';

function forwarding(get: () => Promise<Unidist>): Pick<Unidist, Member> {
  const member = (name: Member): unknown =>
    new Proxy(
      {},
      {
        get: (_target, method) => async (...args: unknown[]) => {
          const part = (await get())[name] as unknown as Record<string | symbol, AnyFn>;
          return part[method]?.(...args);
        },
      },
    );
  return {
    lock: member('lock') as Unidist['lock'],
    counter: member('counter') as Unidist['counter'],
    state: member('state') as Unidist['state'],
    queue: member('queue') as Unidist['queue'],
    log: member('log') as Unidist['log'],
  };
}

export function deferredUnidist(ready: Promise<Unidist>): Unidist {
  return {
    ...forwarding(() => ready),
    flush: async () => (await ready).flush(),
    close: async () => (await ready).close(),
  };
}

export function lazyUnidist(open: () => Promise<Unidist>): Unidist {
  let opening: Promise<Unidist> | undefined;
  let closing: Promise<void> | undefined;
  const get = (): Promise<Unidist> => {
    if (closing && !opening) return Promise.reject(new RuntimeFailure('PB_ERR_CLOSED', 'this unidist is closed'));
    return (opening ??= open());
  };
  return {
    ...forwarding(get),
    flush: async () => {
      if (opening) await (await opening).flush();
    },
    close: () => {
      closing ??= opening ? opening.then((u) => u.close()) : Promise.resolve();
      return closing;
    },
  };
}
