/**
 * The Redis key layout of one deployment. Every key starts with `<prefix>:`, so deployments
 * (blocks, test runs) sharing one Redis never see each other's data:
 *
 *   <p>:lock:<name>      string  the holder: JSON [id, token, since, expires, owner]; PX = its TTL
 *   <p>:fences           hash    lock name → last fencing token issued (never expires)
 *   <p>:locks            set     names that may be held (list() prunes the free ones)
 *   <p>:unlocked         channel a lock name, published when a lock someone waited for is released
 *   <p>:counters         hash    counter name → value (a decimal number)
 *   <p>:state:<bucket>   hash    key → JSON value
 *   <p>:buckets          set     non-empty bucket names
 *   <p>:queue:<name>     list    JSON messages, oldest first
 *   <p>:queue-max        hash    queue name → maxLength
 *   <p>:changes          channel every counter/state/queue change, as JSON (the changes feed: change-feed.ts)
 *
 * Names may contain ':' (nothing ever splits a key back into parts).
 */
import { InputError } from '../../core/errors.js';
import { describe } from '../memory/validate.js';

export class RedisKeys {
  readonly fences: string;
  readonly locks: string;
  readonly unlocked: string;
  readonly counters: string;
  readonly buckets: string;
  readonly queueMax: string;
  readonly changes: string;

  constructor(readonly prefix: string) {
    if (typeof prefix !== 'string' || prefix === '' || /\s/.test(prefix)) {
      throw new InputError('PB_ERR_INVALID_ARGUMENT', `unidist key prefix must be a non-empty string without spaces, got ${describe(prefix)}`);
    }
    this.fences = `${prefix}:fences`;
    this.locks = `${prefix}:locks`;
    this.unlocked = `${prefix}:unlocked`;
    this.counters = `${prefix}:counters`;
    this.buckets = `${prefix}:buckets`;
    this.queueMax = `${prefix}:queue-max`;
    this.changes = `${prefix}:changes`;
  }

  lock(name: string): string {
    return `${this.prefix}:lock:${name}`;
  }

  state(bucket: string): string {
    return `${this.prefix}:state:${bucket}`;
  }

  queue(name: string): string {
    return `${this.prefix}:queue:${name}`;
  }
}
