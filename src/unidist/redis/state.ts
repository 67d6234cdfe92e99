/**
 * State buckets on Redis: one hash per bucket (key → JSON), plus a set of the non-empty buckets
 * kept in step by state-set.lua / state-delete.lua. Values are JSON (json-value.ts): what one
 * process writes, every process reads back equal, and never the same object (a copy, as in the
 * memory back end).
 */
import { InputError } from '../../core/errors.js';
import { fenceOf, staleFenceError } from '../fence.js';
import { checkName } from '../memory/validate.js';
import type { StateBuckets, WriteOptions } from '../types.js';
import type { RedisContext } from './context.js';
import { fromJson, toJson } from './json-value.js';
import type { RedisLocks } from './locks.js';

export class RedisState implements StateBuckets {
  constructor(
    private readonly ctx: RedisContext,
    private readonly locks: RedisLocks,
  ) {}

  async get<T = unknown>(bucket: string, key: string, defaultValue?: T): Promise<T | undefined> {
    this.ctx.assertOpen();
    const b = checkName('state bucket', bucket);
    const k = checkName('state key', key);
    const text = await this.ctx.conn.send<string | null>(['HGET', this.ctx.keys.state(b), k]);
    return text === null ? defaultValue : fromJson<T>(text);
  }

  async set(bucket: string, key: string, value: unknown, options?: WriteOptions): Promise<void> {
    await this.write(bucket, key, value, options);
  }

  async getSet<T = unknown>(bucket: string, key: string, value: unknown, options?: WriteOptions): Promise<T | undefined> {
    const prev = await this.write(bucket, key, value, options);
    return prev === null ? undefined : fromJson<T>(prev);
  }

  async has(bucket: string, key: string): Promise<boolean> {
    this.ctx.assertOpen();
    const b = checkName('state bucket', bucket);
    return (await this.ctx.conn.send<number>(['HEXISTS', this.ctx.keys.state(b), checkName('state key', key)])) === 1;
  }

  async keys(bucket: string): Promise<string[]> {
    this.ctx.assertOpen();
    return this.ctx.conn.send<string[]>(['HKEYS', this.ctx.keys.state(checkName('state bucket', bucket))]);
  }

  async delete(bucket: string, key: string, options?: WriteOptions): Promise<boolean> {
    this.ctx.assertOpen();
    const b = checkName('state bucket', bucket);
    const k = checkName('state key', key);
    const fence = fenceOf(options);
    const f = fence && this.locks.fenceArgs(fence);
    const keys = [this.ctx.keys.state(b), this.ctx.keys.buckets, ...(f ? [f.key] : [])];
    const r = await this.ctx.conn.eval<[number, number?]>(this.ctx.scripts['state-delete'], keys, [b, k, f?.token ?? '', this.ctx.lockNow(), this.ctx.keys.changes]);
    if (r[0] !== 1 && fence) throw staleFenceError(fence, `deleting state ${b}.${k}`);
    return r[1] === 1;
  }

  async buckets(): Promise<string[]> {
    this.ctx.assertOpen();
    return this.ctx.conn.send<string[]>(['SMEMBERS', this.ctx.keys.buckets]);
  }

  /** Returns the previous JSON text, or null when there was none. */
  private async write(bucket: string, key: string, value: unknown, options: WriteOptions | undefined): Promise<string | null> {
    this.ctx.assertOpen();
    const b = checkName('state bucket', bucket);
    const k = checkName('state key', key);
    if (value === undefined) {
      throw new InputError('PB_ERR_INVALID_ARGUMENT', `value for state ${b}.${k} must not be undefined (use delete())`);
    }
    const json = toJson(`value for state ${b}.${k}`, value);
    const fence = fenceOf(options);
    const f = fence && this.locks.fenceArgs(fence);
    const keys = [this.ctx.keys.state(b), this.ctx.keys.buckets, ...(f ? [f.key] : [])];
    const r = await this.ctx.conn.eval<[number, (string | null)?]>(this.ctx.scripts['state-set'], keys, [b, k, json, f?.token ?? '', this.ctx.lockNow(), this.ctx.keys.changes]);
    if (r[0] !== 1 && fence) throw staleFenceError(fence, `writing state ${b}.${k}`);
    return r[1] ?? null;
  }
}
