import type { Unidist } from '../../../src/unidist/types.js';
import type { FakeClock } from '../../helpers/fake-clock.js';

/** What each contract section sees: the back end under test and its clock, fresh per test. */
export interface ContractEnv {
  u: Unidist;
  clock: FakeClock;
}

/** One round trip; after it resolves, every earlier request has reached the back end. */
export async function sync(u: Unidist): Promise<void> {
  await u.lock.isLocked('__contract_sync__');
}

/** Observe whether a promise settled without awaiting it. */
export function track<T>(p: Promise<T>): { settled: () => boolean; promise: Promise<T> } {
  let done = false;
  const promise = p.finally(() => (done = true));
  promise.catch(() => undefined);
  return { settled: () => done, promise };
}
