import type { Clock } from '../../core/clock.js';
import { RuntimeFailure } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { staleFenceError } from '../fence.js';
import type { Unidist } from '../types.js';
import type { StoreContext } from './context.js';
import { MemoryCounters } from './counters.js';
import { applyOp, type UnidistData } from './data.js';
import { MemoryLocks } from './locks.js';
import { LoggerUnidistLog } from './log.js';
import type { UnidistOp } from './ops.js';
import { MemoryQueues } from './queues.js';
import { MemoryState } from './state.js';

/** Where committed ops go when persisting (see persist/state-dir-store.ts). */
export interface OpSink {
  /** Encode and buffer `op`; throws PB_ERR_INVALID_ARGUMENT when it cannot be encoded. */
  record(op: UnidistOp): void;
  flush(): Promise<void>;
  /** Flush, compact, release the state dir. */
  close(): Promise<void>;
}

export interface MemoryUnidistParts {
  readonly data: UnidistData;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly sink: OpSink | undefined;
}

/**
 * The embedded back end: everything lives in this process (the main thread; workers reach it
 * through remote/). With a sink, every change is journaled (persist/). Lifecycle OPEN → CLOSING
 * → CLOSED; close() returns the same promise every time.
 */
export class MemoryUnidist implements Unidist {
  readonly lock: MemoryLocks;
  readonly counter: MemoryCounters;
  readonly state: MemoryState;
  readonly queue: MemoryQueues;
  readonly log: LoggerUnidistLog;
  private closing: Promise<void> | undefined;

  constructor(private readonly parts: MemoryUnidistParts) {
    const { data, sink } = parts;
    const ctx: StoreContext = {
      data,
      clock: parts.clock,
      commit: sink
        ? (op) => {
            sink.record(op); // first: an op that cannot be journaled is never applied
            applyOp(data, op);
          }
        : (op) => applyOp(data, op),
      flush: () => this.flush(),
      checkFence: (fence, what) => {
        if (!this.lock.holds(fence)) throw staleFenceError(fence, what);
      },
      assertOpen: () => {
        if (this.closing) throw new RuntimeFailure('PB_ERR_CLOSED', 'this unidist is closed');
      },
    };
    this.lock = new MemoryLocks(ctx);
    this.counter = new MemoryCounters(ctx);
    this.state = new MemoryState(ctx);
    this.queue = new MemoryQueues(ctx);
    this.log = new LoggerUnidistLog(parts.logger);
  }

  async flush(): Promise<void> {
    await this.parts.sink?.flush();
  }

  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    const closed = new RuntimeFailure('PB_ERR_CLOSED', 'this unidist was closed while waiting');
    this.lock.shutdown(closed);
    this.queue.rejectWaiters(closed);
    await this.parts.sink?.close();
  }
}
