/**
 * The changes feed of the Redis back end (`UnidistChangeFeed`): every counter, state and queue
 * change that any process makes is published by the Lua script that makes it, on the channel
 * `<prefix>:changes`, as JSON (`{"kind":"queue","name":…,"length":…,"message":…}`). Publishing
 * inside the script makes it atomic with the change, so every subscriber sees the changes of
 * every process in the one order Redis applied them.
 *
 * Choices:
 * - One SUBSCRIBE per process, on the back end's subscriber connection (the one that hears lock
 *   releases), taken when the first listener comes and dropped after the last one goes.
 * - `subscribe()` resolves when Redis confirmed the subscription (or fails with
 *   PB_ERR_UNIDIST_UNAVAILABLE after the call timeout): a caller that reads the current data
 *   after that misses nothing — whatever changes later arrives on the feed.
 * - Messages published while the connection is down are lost (pub/sub does not queue them);
 *   node-redis subscribes again when it reconnects.
 * - A message that is not a change (another program publishing on the channel) is ignored; a
 *   listener that throws is logged and does not stop the others.
 */
import type { Clock, TimerHandle } from '../../core/clock.js';
import { isProcblockError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { UnidistChange, UnidistChangeFeed, UnidistChangeListener } from '../types.js';
import type { RedisConnection } from './connection.js';

export class RedisChangeFeed implements UnidistChangeFeed {
  private readonly listeners = new Set<UnidistChangeListener>();
  /** The SUBSCRIBE in flight or done; undefined when not subscribed. */
  private subscribed: Promise<void> | undefined;
  private readonly onMessage = (text: string): void => this.deliver(text);

  constructor(
    private readonly subscriber: RedisConnection,
    private readonly channel: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly assertOpen: () => void,
  ) {}

  async subscribe(listener: UnidistChangeListener): Promise<() => Promise<void>> {
    this.assertOpen();
    this.listeners.add(listener);
    try {
      await this.withinCallTimeout(this.ensureSubscribed());
    } catch (e) {
      this.listeners.delete(listener);
      throw e;
    }
    let removed = false;
    return async () => {
      if (removed) return;
      removed = true;
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.subscribed) {
        this.subscribed = undefined;
        await this.subscriber.client.unsubscribe(this.channel, this.onMessage).catch(() => undefined);
      }
    };
  }

  private ensureSubscribed(): Promise<void> {
    if (!this.subscribed) {
      const p = this.subscriber.client.subscribe(this.channel, this.onMessage);
      this.subscribed = p;
      // A failed SUBSCRIBE is tried again by the next subscriber.
      p.catch(() => {
        if (this.subscribed === p) this.subscribed = undefined;
      });
    }
    return this.subscribed;
  }

  /** `p`, or PB_ERR_UNIDIST_UNAVAILABLE when it fails or Redis does not confirm within the call timeout. */
  private async withinCallTimeout(p: Promise<void>): Promise<void> {
    let timer: TimerHandle | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = this.clock.setTimeout(() => reject(this.subscriber.unavailableNow()), this.subscriber.timeoutMs);
    });
    const failed = p.catch((e: unknown) => Promise.reject(isProcblockError(e) ? e : this.subscriber.unavailableNow()));
    try {
      await Promise.race([failed, late]);
    } finally {
      timer?.cancel();
    }
  }

  private deliver(text: string): void {
    const change = parseChange(text);
    if (!change) {
      this.logger.debug('ignored a message on the changes channel that is not a change', { channel: this.channel });
      return;
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (e) {
        this.logger.error(`a unidist change listener failed: ${(e as Error).message}`);
      }
    }
  }
}

/** A change as the Lua scripts publish it, or undefined. */
export function parseChange(text: string): UnidistChange | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  switch (o.kind) {
    case 'counter':
      return typeof o.name === 'string' && typeof o.value === 'number' ? { kind: 'counter', name: o.name, value: o.value } : undefined;
    case 'state':
      if (typeof o.bucket !== 'string' || typeof o.key !== 'string' || typeof o.deleted !== 'boolean') return undefined;
      return { kind: 'state', bucket: o.bucket, key: o.key, value: o.deleted ? undefined : o.value, deleted: o.deleted };
    case 'queue':
      return typeof o.name === 'string' && typeof o.length === 'number' && 'message' in o ? { kind: 'queue', name: o.name, message: o.message, length: o.length } : undefined;
    default:
      return undefined;
  }
}
