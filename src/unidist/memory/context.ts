import type { Clock } from '../../core/clock.js';
import type { UnidistData } from './data.js';
import type { Fence } from '../types.js';
import type { UnidistOp } from './ops.js';

/** What each member (counters, state, queues, locks) of a memory unidist shares. */
export interface StoreContext {
  readonly data: UnidistData;
  readonly clock: Clock;
  /** Apply `op` to `data` and journal it (when persisting). Throws before applying if it cannot be journaled. */
  commit(op: UnidistOp): void;
  /** Make every committed op durable now (no-op without persistence). */
  flush(): Promise<void>;
  /** Throws PB_ERR_LOCK_STALE unless lock `fence.name` is held right now with `fence.token`. */
  checkFence(fence: Fence, what: string): void;
  /** Throws PB_ERR_CLOSED after close() began. */
  assertOpen(): void;
}
