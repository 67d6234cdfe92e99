import { InputError } from '../../core/errors.js';
import { fenceOf } from '../fence.js';
import type { StateBuckets, WriteOptions } from '../types.js';
import type { StoreContext } from './context.js';
import { checkName, cloneValue } from './validate.js';

/**
 * State buckets. Values are copied in and out (structured clone), so a caller mutating an
 * object after `set` or after `get` never changes what is stored. A bucket whose last key is
 * deleted disappears from `buckets()`.
 */
export class MemoryState implements StateBuckets {
  constructor(private readonly ctx: StoreContext) {}

  async get<T = unknown>(bucket: string, key: string, defaultValue?: T): Promise<T | undefined> {
    this.ctx.assertOpen();
    const map = this.ctx.data.state.get(checkName('state bucket', bucket));
    const k = checkName('state key', key);
    if (!map || !map.has(k)) return defaultValue;
    return cloneValue('state value', map.get(k)) as T;
  }

  async set(bucket: string, key: string, value: unknown, options?: WriteOptions): Promise<void> {
    this.setNow(bucket, key, value, options);
  }

  async getSet<T = unknown>(bucket: string, key: string, value: unknown, options?: WriteOptions): Promise<T | undefined> {
    // The previous value leaves the store here, so it needs no copy.
    return this.setNow(bucket, key, value, options) as T | undefined;
  }

  async has(bucket: string, key: string): Promise<boolean> {
    this.ctx.assertOpen();
    return this.ctx.data.state.get(checkName('state bucket', bucket))?.has(checkName('state key', key)) ?? false;
  }

  async keys(bucket: string): Promise<string[]> {
    this.ctx.assertOpen();
    return [...(this.ctx.data.state.get(checkName('state bucket', bucket))?.keys() ?? [])];
  }

  async delete(bucket: string, key: string, options?: WriteOptions): Promise<boolean> {
    this.ctx.assertOpen();
    const b = checkName('state bucket', bucket);
    const k = checkName('state key', key);
    const fence = fenceOf(options);
    if (fence) this.ctx.checkFence(fence, `deleting state ${b}.${k}`);
    if (!this.ctx.data.state.get(b)?.has(k)) return false;
    this.ctx.commit({ o: 'sd', b, k });
    return true;
  }

  async buckets(): Promise<string[]> {
    this.ctx.assertOpen();
    return [...this.ctx.data.state.keys()];
  }

  private setNow(bucket: string, key: string, value: unknown, options: WriteOptions | undefined): unknown {
    this.ctx.assertOpen();
    const b = checkName('state bucket', bucket);
    const k = checkName('state key', key);
    const fence = fenceOf(options);
    if (value === undefined) {
      // undefined cannot be persisted and reads like "absent"; delete() says what is meant.
      throw new InputError('PB_ERR_INVALID_ARGUMENT', `value for state ${b}.${k} must not be undefined (use delete())`);
    }
    const v = cloneValue(`value for state ${b}.${k}`, value);
    if (fence) this.ctx.checkFence(fence, `writing state ${b}.${k}`);
    const prev = this.ctx.data.state.get(b)?.get(k);
    this.ctx.commit({ o: 's', b, k, v });
    return prev;
  }
}
