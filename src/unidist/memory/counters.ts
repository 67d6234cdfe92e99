import { fenceOf } from '../fence.js';
import type { Counters, WriteOptions } from '../types.js';
import type { StoreContext } from './context.js';
import { checkFinite, checkName } from './validate.js';

/** Counters: a missing counter reads 0. Each change is journaled as the resulting value. */
export class MemoryCounters implements Counters {
  constructor(private readonly ctx: StoreContext) {}

  async get(name: string): Promise<number> {
    this.ctx.assertOpen();
    return this.ctx.data.counters.get(checkName('counter name', name)) ?? 0;
  }

  async set(name: string, value: number, options?: WriteOptions): Promise<void> {
    this.getSetNow(name, value, options);
  }

  async getSet(name: string, value: number, options?: WriteOptions): Promise<number> {
    return this.getSetNow(name, value, options);
  }

  async increment(name: string, by = 1): Promise<number> {
    return this.add(name, by) + by;
  }

  async getIncrement(name: string, by = 1): Promise<number> {
    return this.add(name, by);
  }

  async all(): Promise<Record<string, number>> {
    this.ctx.assertOpen();
    return Object.fromEntries(this.ctx.data.counters);
  }

  private getSetNow(name: string, value: number, options: WriteOptions | undefined): number {
    this.ctx.assertOpen();
    const n = checkName('counter name', name);
    const v = checkFinite(`value for counter ${JSON.stringify(n)}`, value);
    const fence = fenceOf(options);
    if (fence) this.ctx.checkFence(fence, `setting counter ${JSON.stringify(n)}`);
    const prev = this.ctx.data.counters.get(n) ?? 0;
    this.ctx.commit({ o: 'c', n, v });
    return prev;
  }

  /** Returns the previous value. */
  private add(name: string, by: number): number {
    this.ctx.assertOpen();
    const n = checkName('counter name', name);
    checkFinite(`increment for counter ${JSON.stringify(n)}`, by);
    const prev = this.ctx.data.counters.get(n) ?? 0;
    const v = prev + by;
    checkFinite(`counter ${JSON.stringify(n)} after increment`, v);
    this.ctx.commit({ o: 'c', n, v });
    return prev;
  }
}
