import type { TimerHandle } from '../../core/clock.js';
import type { Fence, LockAcquireOptions, LockHandle, LockInfo, Locks } from '../types.js';
import type { StoreContext } from './context.js';
import { WaitList } from './wait-list.js';
import { checkMs, checkName } from './validate.js';

/**
 * Fencing tokens are reserved in blocks of this size: the reservation is made durable before
 * a token from it is handed out, so a restart (even after kill -9) continues above every token
 * ever issued, at the cost of a gap of up to this many.
 */
export const TOKEN_RESERVATION = 1000;

interface Held {
  readonly token: number;
  readonly owner: string | undefined;
  readonly since: number;
  readonly expires: number | undefined;
  timer: TimerHandle | undefined;
}

interface Want {
  readonly ttl: number | undefined;
  readonly owner: string | undefined;
}

interface Slot {
  held: Held | undefined;
  readonly waiters: WaitList<Held, Want>;
}

/**
 * Locks: one holder per name, a FIFO of waiters woken on release or TTL expiry (never
 * polling), fencing tokens increasing per name. Locks are not persisted; the token high-water
 * marks are (see TOKEN_RESERVATION).
 */
export class MemoryLocks implements Locks {
  private readonly slots = new Map<string, Slot>();
  /** Last token issued per name in this process. */
  private readonly issued = new Map<string, number>();
  /** Holders whose token opened a new reservation (acquire flushes before returning them). */
  private readonly reservedJustNow = new WeakSet<Held>();

  constructor(private readonly ctx: StoreContext) {}

  async acquire(name: string, options: LockAcquireOptions = {}): Promise<LockHandle | null> {
    this.ctx.assertOpen();
    const n = checkName('lock name', name);
    const timeout = checkMs(`timeout for lock ${JSON.stringify(n)}`, options.timeout);
    const ttl = checkMs(`ttl for lock ${JSON.stringify(n)}`, options.ttl);
    const want: Want = { ttl, owner: options.owner };
    const slot = this.slotOf(n);
    this.expireIfDue(n, slot);
    let held: Held | null;
    if (!slot.held && slot.waiters.size === 0) {
      held = this.take(n, slot, want);
    } else if (timeout === 0) {
      return null;
    } else {
      held = await slot.waiters.park({ timeout, signal: options.signal }, want);
      if (!held) return null;
    }
    // A token from a fresh reservation is handed out only once the reservation is durable.
    if (this.reservedJustNow.delete(held)) {
      await this.ctx.flush();
    }
    return new MemoryLockHandle(n, held, this);
  }

  async isLocked(name: string): Promise<boolean> {
    this.ctx.assertOpen();
    const n = checkName('lock name', name);
    const slot = this.slots.get(n);
    if (!slot) return false;
    this.expireIfDue(n, slot);
    return slot.held !== undefined;
  }

  async list(): Promise<LockInfo[]> {
    this.ctx.assertOpen();
    const out: LockInfo[] = [];
    for (const [name, slot] of this.slots) {
      this.expireIfDue(name, slot);
      const h = slot.held;
      if (h) out.push({ name, token: h.token, since: h.since, expires: h.expires, owner: h.owner });
    }
    return out;
  }

  /** True when `fence.name` is held right now with `fence.token` (a passed TTL frees it first). */
  holds(fence: Fence): boolean {
    const slot = this.slots.get(fence.name);
    if (!slot) return false;
    this.expireIfDue(fence.name, slot);
    return slot.held?.token === fence.token;
  }

  /** Release every lock held by `owner` (a client that went away). Returns how many. */
  releaseOwner(owner: string): number {
    let count = 0;
    for (const [name, slot] of [...this.slots]) {
      if (slot.held && slot.held.owner === owner) {
        this.free(name, slot, slot.held);
        count++;
      }
    }
    return count;
  }

  /** Closing: cancel TTL timers and reject every waiter. */
  shutdown(error: unknown): void {
    for (const slot of this.slots.values()) {
      slot.held?.timer?.cancel();
      slot.waiters.rejectAll(error);
    }
    this.slots.clear();
  }

  /** Called by a handle: true when `held` still holds `name`. */
  release(name: string, held: Held): boolean {
    const slot = this.slots.get(name);
    if (!slot || slot.held !== held) return false;
    this.expireIfDue(name, slot);
    if (slot.held !== held) return false;
    this.free(name, slot, held);
    return true;
  }

  private take(name: string, slot: Slot, want: Want): Held {
    const token = (this.issued.get(name) ?? this.ctx.data.tokens.get(name) ?? 0) + 1;
    this.issued.set(name, token);
    const now = this.ctx.clock.now();
    const held: Held = {
      token,
      owner: want.owner,
      since: now,
      expires: want.ttl === undefined ? undefined : now + want.ttl,
      timer: undefined,
    };
    if (token > (this.ctx.data.tokens.get(name) ?? 0)) {
      this.ctx.commit({ o: 't', n: name, v: token + TOKEN_RESERVATION - 1 });
      this.reservedJustNow.add(held);
    }
    if (want.ttl !== undefined) {
      held.timer = this.ctx.clock.setTimeout(() => {
        held.timer = undefined;
        if (slot.held === held) this.free(name, slot, held);
      }, want.ttl);
      held.timer.unref();
    }
    slot.held = held;
    return held;
  }

  private free(name: string, slot: Slot, held: Held): void {
    held.timer?.cancel();
    held.timer = undefined;
    slot.held = undefined;
    if (!slot.waiters.grant((want) => this.take(name, slot, want))) this.slots.delete(name);
  }

  /** A TTL that passed frees the lock even if its timer has not fired yet. */
  private expireIfDue(name: string, slot: Slot): void {
    const h = slot.held;
    if (h?.expires !== undefined && this.ctx.clock.now() >= h.expires) this.free(name, slot, h);
  }

  private slotOf(name: string): Slot {
    let slot = this.slots.get(name);
    if (!slot) {
      slot = { held: undefined, waiters: new WaitList<Held, Want>(this.ctx.clock) };
      this.slots.set(name, slot);
    }
    return slot;
  }
}

class MemoryLockHandle implements LockHandle {
  constructor(
    readonly name: string,
    private readonly held: Held,
    private readonly locks: MemoryLocks,
  ) {}

  get token(): number {
    return this.held.token;
  }

  async release(): Promise<boolean> {
    return this.locks.release(this.name, this.held);
  }
}
