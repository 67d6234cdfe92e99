/**
 * Queues on Redis: one list per queue (JSON messages, oldest first) and a hash of maxLengths.
 * `add` runs queue-add.lua (append and trim in one step); taking from either end is one LPOP or
 * RPOP, so a message goes to exactly one taker across every process; `wait` blocks on a
 * connection of its own (queue-waiters.ts).
 *
 * Choice (as in the memory back end): `add(name, msg, { maxLength })` also sets the queue's
 * maxLength for later adds; omitting it keeps the current setting.
 */
import { InputError } from '../../core/errors.js';
import { checkMaxLength, checkMs, checkName } from '../memory/validate.js';
import type { QueueOptions, Queues } from '../types.js';
import type { RedisContext } from './context.js';
import { fromJson, toJson } from './json-value.js';
import type { QueueWaiters } from './queue-waiters.js';

export class RedisQueues implements Queues {
  constructor(
    private readonly ctx: RedisContext,
    private readonly waiters: QueueWaiters,
  ) {}

  async add(name: string, message: unknown, options?: QueueOptions): Promise<number> {
    this.ctx.assertOpen();
    const n = checkName('queue name', name);
    const maxLength = checkMaxLength(`maxLength for queue ${JSON.stringify(n)}`, options?.maxLength);
    if (message === undefined) throw new InputError('PB_ERR_INVALID_ARGUMENT', `message for queue ${JSON.stringify(n)} must not be undefined`);
    const json = toJson(`message for queue ${JSON.stringify(n)}`, message);
    const { keys, scripts } = this.ctx;
    return this.ctx.conn.eval<number>(scripts['queue-add'], [keys.queue(n), keys.queueMax], [n, json, maxLength === undefined ? '' : String(maxLength), keys.changes]);
  }

  async count(name: string): Promise<number> {
    this.ctx.assertOpen();
    return this.ctx.conn.send<number>(['LLEN', this.ctx.keys.queue(checkName('queue name', name))]);
  }

  async oldest<T = unknown>(name: string, options?: { remove?: boolean }): Promise<T | undefined> {
    return this.take<T>(name, 'oldest', options?.remove !== false);
  }

  async newest<T = unknown>(name: string, options?: { remove?: boolean }): Promise<T | undefined> {
    return this.take<T>(name, 'newest', options?.remove !== false);
  }

  async all<T = unknown>(name: string): Promise<T[]> {
    this.ctx.assertOpen();
    const list = await this.ctx.conn.send<string[]>(['LRANGE', this.ctx.keys.queue(checkName('queue name', name)), '0', '-1']);
    return list.map((m) => fromJson<T>(m));
  }

  async wait<T = unknown>(name: string, options?: { timeout?: number; signal?: AbortSignal }): Promise<T | undefined> {
    this.ctx.assertOpen();
    const n = checkName('queue name', name);
    const timeout = checkMs('queue wait timeout', options?.timeout);
    if (timeout === 0) return this.take<T>(n, 'oldest', true);
    return (await this.waiters.wait(n, this.ctx.keys.queue(n), timeout, options?.signal)) as T | undefined;
  }

  async setMaxLength(name: string, maxLength: number | undefined): Promise<void> {
    this.ctx.assertOpen();
    const n = checkName('queue name', name);
    const v = checkMaxLength(`maxLength for queue ${JSON.stringify(n)}`, maxLength);
    const { keys, scripts } = this.ctx;
    await this.ctx.conn.eval(scripts['queue-max'], [keys.queue(n), keys.queueMax], [n, v === undefined ? '' : String(v)]);
  }

  private async take<T>(name: string, end: 'oldest' | 'newest', remove: boolean): Promise<T | undefined> {
    this.ctx.assertOpen();
    const key = this.ctx.keys.queue(checkName('queue name', name));
    const cmd = remove ? [end === 'oldest' ? 'LPOP' : 'RPOP', key] : ['LINDEX', key, end === 'oldest' ? '0' : '-1'];
    const m = await this.ctx.conn.send<string | null>(cmd);
    return m === null ? undefined : fromJson<T>(m);
  }
}
