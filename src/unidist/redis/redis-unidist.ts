import { RuntimeFailure } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { LoggerUnidistLog } from '../memory/log.js';
import type { Unidist } from '../types.js';
import type { BlockingPool } from './blocking-pool.js';
import { RedisChangeFeed } from './change-feed.js';
import type { RedisConnection } from './connection.js';
import type { RedisContext } from './context.js';
import { RedisCounters } from './counters.js';
import { RedisLocks } from './locks.js';
import { QueueWaiters } from './queue-waiters.js';
import { RedisQueues } from './queues.js';
import { RedisState } from './state.js';

export interface RedisUnidistParts {
  readonly ctx: Omit<RedisContext, 'assertOpen'>;
  /** Subscribed to the unlocked channel (wired to the lock waiters here). */
  readonly subscriber: RedisConnection;
  readonly pool: BlockingPool;
  readonly logger: Logger;
}

/**
 * The Redis back end (SPEC §5): every process pointed at the same Redis and key prefix shares
 * these locks, counters, state and queues. Three kinds of connection: the main one (commands
 * and Lua scripts), one subscriber (lock releases, and the changes feed while it has listeners),
 * and one per waiting queue head.
 * Lifecycle OPEN → CLOSING → CLOSED; close() returns the same promise every time.
 */
export class RedisUnidist implements Unidist {
  readonly lock: RedisLocks;
  readonly counter: RedisCounters;
  readonly state: RedisState;
  readonly queue: RedisQueues;
  readonly log: LoggerUnidistLog;
  /** Every process's changes, in the order Redis applied them (change-feed.ts). */
  readonly changes: RedisChangeFeed;
  private readonly queueWaiters: QueueWaiters;
  private closing: Promise<void> | undefined;

  constructor(private readonly parts: RedisUnidistParts) {
    const ctx: RedisContext = {
      ...parts.ctx,
      assertOpen: () => {
        if (this.closing) throw new RuntimeFailure('PB_ERR_CLOSED', 'this unidist is closed');
      },
    };
    this.lock = new RedisLocks(ctx);
    this.counter = new RedisCounters(ctx, this.lock);
    this.state = new RedisState(ctx, this.lock);
    this.queueWaiters = new QueueWaiters(ctx.clock, ctx.conn, parts.pool);
    this.queue = new RedisQueues(ctx, this.queueWaiters);
    this.log = new LoggerUnidistLog(parts.logger);
    this.changes = new RedisChangeFeed(parts.subscriber, ctx.keys.changes, ctx.clock, parts.logger, ctx.assertOpen);
    // Releases anywhere wake this process's waiters; after an outage (messages lost) all retry.
    ctx.conn.onReconnect(() => this.lock.waiters.wakeAll());
    parts.subscriber.onReconnect(() => this.lock.waiters.wakeAll());
  }

  /** Called for each message on the unlocked channel. */
  onUnlocked(name: string): void {
    this.lock.waiters.wake(name);
  }

  /** Every call is written to Redis before it resolves; Redis persists as it is configured to. */
  flush(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    const closed = new RuntimeFailure('PB_ERR_CLOSED', 'this unidist was closed while waiting');
    this.lock.waiters.rejectAll(closed);
    await this.queueWaiters.rejectAll(closed);
    await this.parts.pool.close();
    await this.parts.subscriber.close();
    await this.parts.ctx.conn.close();
  }
}
