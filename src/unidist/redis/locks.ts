/**
 * Locks on Redis (SPEC §5): acquire = lock-acquire.lua (SET NX PX and the per-name fencing
 * counter in one script), release = lock-release.lua (only the holder's handle, then PUBLISH),
 * waiters parked per name in this process and woken by that message (lock-waiters.ts).
 *
 * A handle is identified by a random id stored with the lock, so a handle whose TTL ran out can
 * never release (or fence a write under) the next holder's lock: release() returns false and a
 * fenced write throws PB_ERR_LOCK_STALE.
 */
import { randomUUID } from 'node:crypto';
import { checkMs, checkName } from '../memory/validate.js';
import { abortedError } from '../memory/wait-list.js';
import type { Fence, LockAcquireOptions, LockHandle, LockInfo, Locks } from '../types.js';
import type { RedisContext } from './context.js';
import { lockInfo, parseStoredLock } from './lock-value.js';
import { LockWaiters, type TryResult } from './lock-waiters.js';

export class RedisLocks implements Locks {
  readonly waiters: LockWaiters;

  constructor(private readonly ctx: RedisContext) {
    this.waiters = new LockWaiters({
      clock: ctx.clock,
      tryAcquire: (name, ttl, deadlineAt, owner) => this.tryAcquire(name, ttl, deadlineAt, owner),
      defaultDeadline: () => ctx.conn.deadline(),
      isConnected: () => ctx.conn.isReady,
      unavailableError: () => ctx.conn.unavailableNow(),
    });
  }

  async acquire(name: string, options: LockAcquireOptions = {}): Promise<LockHandle | null> {
    this.ctx.assertOpen();
    const n = checkName('lock name', name);
    const timeout = checkMs(`timeout for lock ${JSON.stringify(n)}`, options.timeout);
    const ttl = checkMs(`ttl for lock ${JSON.stringify(n)}`, options.ttl);
    const owner = options.owner === undefined ? this.ctx.processId : `${options.owner}@${this.ctx.processId}`;
    if (options.signal?.aborted) throw abortedError(options.signal);
    if (timeout === 0) {
      const r = await this.tryAcquire(n, ttl, this.ctx.conn.deadline(), owner);
      return 'handle' in r ? r.handle : null;
    }
    return this.waiters.wait(n, ttl, timeout, options.signal, owner);
  }

  async isLocked(name: string): Promise<boolean> {
    this.ctx.assertOpen();
    const n = checkName('lock name', name);
    const text = await this.ctx.conn.send<string | null>(['GET', this.ctx.keys.lock(n)]);
    if (text === null) return false;
    const held = parseStoredLock(text);
    return !(this.ctx.localLockClock && held.expires !== undefined && held.expires <= this.ctx.clock.now());
  }

  async list(): Promise<LockInfo[]> {
    this.ctx.assertOpen();
    const { keys, scripts } = this.ctx;
    const flat = await this.ctx.conn.eval<string[]>(scripts['lock-list'], [keys.locks], [`${keys.prefix}:lock:`, this.ctx.lockNow()]);
    const out: LockInfo[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push(lockInfo(flat[i] as string, parseStoredLock(flat[i + 1] as string)));
    return out;
  }

  /** The fence's lock key and token, as the fenced write scripts take them. */
  fenceArgs(fence: Fence): { key: string; token: string } {
    return { key: this.ctx.keys.lock(fence.name), token: String(fence.token) };
  }

  private async tryAcquire(name: string, ttl: number | undefined, deadlineAt: number, owner: string): Promise<TryResult> {
    this.ctx.assertOpen();
    const { keys, scripts } = this.ctx;
    const id = randomUUID();
    const ttlArg = ttl === undefined ? '' : String(Math.max(1, Math.ceil(ttl)));
    const r = await this.ctx.conn.eval<[number, number]>(
      scripts['lock-acquire'],
      [keys.lock(name), keys.fences, keys.locks],
      [name, id, ttlArg, this.ctx.lockNow(), owner, this.ctx.localLockClock ? '' : '1'],
      deadlineAt,
    );
    if (r[0] === 1) return { handle: new RedisLockHandle(name, Number(r[1]), id, this) };
    return { heldForMs: Number(r[1]) };
  }

  /** Called by a handle. */
  async release(name: string, id: string): Promise<boolean> {
    this.ctx.assertOpen();
    const { keys, scripts } = this.ctx;
    const released = await this.ctx.conn.eval<number>(scripts['lock-release'], [keys.lock(name), keys.locks], [name, id, keys.unlocked, this.ctx.lockNow()]);
    // Our own waiters need not wait for the pub/sub message to come back.
    this.waiters.wake(name);
    return released === 1;
  }
}

class RedisLockHandle implements LockHandle {
  constructor(
    readonly name: string,
    readonly token: number,
    private readonly id: string,
    private readonly locks: RedisLocks,
  ) {}

  release(): Promise<boolean> {
    return this.locks.release(this.name, this.id);
  }
}
