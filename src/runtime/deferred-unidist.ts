/**
 * A `Unidist` whose calls wait for the real one. It lets the script runner (and its first worker
 * thread) start before the block is loaded and the state folder opened: start-up work on two
 * threads instead of one after the other.
 */
import type { Unidist } from '../unidist/types.js';

type AnyFn = (...args: unknown[]) => unknown;

export function deferredUnidist(ready: Promise<Unidist>): Unidist {
  const member = (name: 'lock' | 'counter' | 'state' | 'queue' | 'log'): unknown =>
    new Proxy(
      {},
      {
        get: (_target, method) => async (...args: unknown[]) => {
          const part = (await ready)[name] as unknown as Record<string | symbol, AnyFn>;
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
    flush: async () => (await ready).flush(),
    close: async () => (await ready).close(),
  };
}
