import { InputError } from '../../core/errors.js';
import type { Duration, QueueOptions, Queues } from '../types.js';
import type { StoreContext } from './context.js';
import { queueOf } from './data.js';
import { WaitList } from './wait-list.js';
import { checkMaxLength, checkMs, checkName, cloneValue } from './validate.js';

/**
 * Message queues. `wait()` parks the caller in a FIFO that `add()` serves directly: a message
 * added while someone waits goes to the oldest waiter and never enters the queue (nor the
 * journal). Waiters only exist while their queue is empty.
 *
 * Choice: `add(name, msg, { maxLength })` also sets the queue's maxLength for later adds, as
 * `setMaxLength` does; omitting it keeps the current setting.
 */
export class MemoryQueues implements Queues {
  private readonly waiters = new Map<string, WaitList<unknown>>();

  constructor(private readonly ctx: StoreContext) {}

  async add(name: string, message: unknown, options?: QueueOptions): Promise<number> {
    this.ctx.assertOpen();
    const n = checkName('queue name', name);
    const maxLength = checkMaxLength(`maxLength for queue ${JSON.stringify(n)}`, options?.maxLength);
    const m = cloneValue(`message for queue ${JSON.stringify(n)}`, message);
    if (m === undefined) throw new InputError('PB_ERR_INVALID_ARGUMENT', `message for queue ${JSON.stringify(n)} must not be undefined`);
    if (maxLength !== undefined && this.ctx.data.queues.get(n)?.maxLength !== maxLength) this.ctx.commit({ o: 'qm', n, v: maxLength });
    const list = this.waiters.get(n);
    if (list && list.grant(() => m)) {
      if (list.size === 0) this.waiters.delete(n);
      return this.ctx.data.queues.get(n)?.messages.length ?? 0;
    }
    this.ctx.commit({ o: 'qa', n, m });
    return queueOf(this.ctx.data, n).messages.length;
  }

  async count(name: string): Promise<number> {
    this.ctx.assertOpen();
    return this.ctx.data.queues.get(checkName('queue name', name))?.messages.length ?? 0;
  }

  async oldest<T = unknown>(name: string, options?: { remove?: boolean }): Promise<T | undefined> {
    return this.take(name, 'oldest', options?.remove !== false) as T | undefined;
  }

  async newest<T = unknown>(name: string, options?: { remove?: boolean }): Promise<T | undefined> {
    return this.take(name, 'newest', options?.remove !== false) as T | undefined;
  }

  async all<T = unknown>(name: string): Promise<T[]> {
    this.ctx.assertOpen();
    const q = this.ctx.data.queues.get(checkName('queue name', name));
    return q ? (cloneValue('queue messages', q.messages.toArray()) as T[]) : [];
  }

  async wait<T = unknown>(name: string, options?: { timeout?: Duration; signal?: AbortSignal }): Promise<T | undefined> {
    this.ctx.assertOpen();
    const n = checkName('queue name', name);
    const timeout = checkMs('queue wait timeout', options?.timeout);
    if ((this.ctx.data.queues.get(n)?.messages.length ?? 0) > 0) return this.take(n, 'oldest', true) as T;
    if (timeout === 0) return undefined;
    let list = this.waiters.get(n);
    if (!list) {
      list = new WaitList<unknown>(this.ctx.clock);
      this.waiters.set(n, list);
    }
    const got = await list.park({ timeout, signal: options?.signal }, undefined).finally(() => {
      if (list.size === 0 && this.waiters.get(n) === list) this.waiters.delete(n);
    });
    return (got ?? undefined) as T | undefined;
  }

  async setMaxLength(name: string, maxLength: number | undefined): Promise<void> {
    this.ctx.assertOpen();
    const n = checkName('queue name', name);
    const v = checkMaxLength(`maxLength for queue ${JSON.stringify(n)}`, maxLength);
    this.ctx.commit({ o: 'qm', n, v: v ?? null });
  }

  /** Reject every waiting `wait()` (closing). */
  rejectWaiters(error: unknown): void {
    for (const list of this.waiters.values()) list.rejectAll(error);
    this.waiters.clear();
  }

  private take(name: string, end: 'oldest' | 'newest', remove: boolean): unknown {
    this.ctx.assertOpen();
    const n = checkName('queue name', name);
    const q = this.ctx.data.queues.get(n);
    if (!q || q.messages.length === 0) return undefined;
    const m = end === 'oldest' ? q.messages.peekOldest() : q.messages.peekNewest();
    if (!remove) return cloneValue('queue message', m);
    // Removed messages leave the store, so they need no copy.
    this.ctx.commit({ o: end === 'oldest' ? 'qo' : 'qn', n });
    return m;
  }
}
