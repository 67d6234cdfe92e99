/**
 * Counters on Redis: one hash of name → decimal number. Increments run in counter-add.lua, so
 * no increment from any process is lost, with JavaScript's double arithmetic (a missing counter
 * reads 0, as in the memory back end).
 */
import { fenceOf, staleFenceError } from '../fence.js';
import { checkFinite, checkName } from '../memory/validate.js';
import type { Counters, WriteOptions } from '../types.js';
import type { RedisContext } from './context.js';
import type { RedisLocks } from './locks.js';

export class RedisCounters implements Counters {
  constructor(
    private readonly ctx: RedisContext,
    private readonly locks: RedisLocks,
  ) {}

  async get(name: string): Promise<number> {
    this.ctx.assertOpen();
    const v = await this.ctx.conn.send<string | null>(['HGET', this.ctx.keys.counters, checkName('counter name', name)]);
    return v === null ? 0 : Number(v);
  }

  async set(name: string, value: number, options?: WriteOptions): Promise<void> {
    await this.getSet(name, value, options);
  }

  async getSet(name: string, value: number, options?: WriteOptions): Promise<number> {
    this.ctx.assertOpen();
    const n = checkName('counter name', name);
    const v = checkFinite(`value for counter ${JSON.stringify(n)}`, value);
    const fence = fenceOf(options);
    const f = fence && this.locks.fenceArgs(fence);
    const keys = f ? [this.ctx.keys.counters, f.key] : [this.ctx.keys.counters];
    const r = await this.ctx.conn.eval<[number, string?]>(this.ctx.scripts['counter-set'], keys, [n, String(v), f?.token ?? '', this.ctx.lockNow(), this.ctx.keys.changes]);
    if (r[0] !== 1 && fence) throw staleFenceError(fence, `setting counter ${JSON.stringify(n)}`);
    return Number(r[1] ?? 0);
  }

  async increment(name: string, by = 1): Promise<number> {
    return (await this.add(name, by)) + by;
  }

  async getIncrement(name: string, by = 1): Promise<number> {
    return this.add(name, by);
  }

  async all(): Promise<Record<string, number>> {
    this.ctx.assertOpen();
    const h = await this.ctx.conn.send<Record<string, string>>(['HGETALL', this.ctx.keys.counters]);
    return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Number(v)]));
  }

  /** Returns the previous value. */
  private async add(name: string, by: number): Promise<number> {
    this.ctx.assertOpen();
    const n = checkName('counter name', name);
    checkFinite(`increment for counter ${JSON.stringify(n)}`, by);
    return Number(await this.ctx.conn.eval<string>(this.ctx.scripts['counter-add'], [this.ctx.keys.counters], [n, String(by), this.ctx.keys.changes]));
  }
}
