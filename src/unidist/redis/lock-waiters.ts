/**
 * The lock waiters of one process, per lock name, in arrival order (FIFO within the process).
 * Nobody polls: only the oldest waiter of a name (the head) tries, and only when something may
 * have changed —
 * - a release anywhere (the `unlocked` pub/sub message, or this process's own release),
 * - the holder's TTL running out (a timer set to the remaining time the failed try reported),
 * - the connection coming back (messages sent during an outage are lost),
 * - the previous head leaving without the lock (timeout, abort).
 * A wake-up that arrives while the head's try is in flight is remembered and answered with one
 * more try, so a release between the try and its reply is never missed. Across processes the
 * first head whose try reaches Redis wins; fairness between processes is not promised.
 */
import type { Clock, TimerHandle } from '../../core/clock.js';
import { RuntimeFailure } from '../../core/errors.js';
import { abortedError } from '../memory/wait-list.js';
import type { LockHandle } from '../types.js';

export type TryResult = { readonly handle: LockHandle } | { readonly heldForMs: number };

export interface LockWaitersDeps {
  readonly clock: Clock;
  /** One try (lock-acquire.lua) for `name`, made before `deadlineAt`. */
  tryAcquire(name: string, ttl: number | undefined, deadlineAt: number, owner: string): Promise<TryResult>;
  /** The default deadline of a try that has no timeout of its own. */
  defaultDeadline(): number;
  /** Whether Redis is reachable now (a waiter that times out during an outage reports that). */
  isConnected(): boolean;
  unavailableError(): RuntimeFailure;
}

interface Waiter {
  readonly ttl: number | undefined;
  readonly owner: string;
  readonly deadlineAt: number | undefined;
  readonly resolve: (h: LockHandle | null) => void;
  readonly reject: (e: unknown) => void;
  timer: TimerHandle | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  gone: boolean;
}

interface NameQueue {
  readonly waiters: Waiter[];
  trying: boolean;
  again: boolean;
  ttlTimer: TimerHandle | undefined;
}

export class LockWaiters {
  private readonly queues = new Map<string, NameQueue>();

  constructor(private readonly deps: LockWaitersDeps) {}

  /** Wait for `name` (timeout undefined = forever). */
  wait(name: string, ttl: number | undefined, timeout: number | undefined, signal: AbortSignal | undefined, owner: string): Promise<LockHandle | null> {
    if (signal?.aborted) return Promise.reject(abortedError(signal));
    return new Promise<LockHandle | null>((resolve, reject) => {
      const { clock } = this.deps;
      const w: Waiter = {
        ttl,
        owner,
        deadlineAt: timeout === undefined ? undefined : clock.now() + timeout,
        resolve,
        reject,
        timer: undefined,
        signal,
        onAbort: undefined,
        gone: false,
      };
      let q = this.queues.get(name);
      if (!q) {
        q = { waiters: [], trying: false, again: false, ttlTimer: undefined };
        this.queues.set(name, q);
      }
      const queue = q;
      if (timeout !== undefined) {
        w.timer = clock.setTimeout(() => {
          w.timer = undefined;
          // Timing out while Redis is away is an outage, not "someone else holds it".
          if (this.deps.isConnected()) this.leave(name, queue, w, () => resolve(null));
          else this.leave(name, queue, w, () => reject(this.deps.unavailableError()));
        }, timeout);
      }
      if (signal) {
        w.onAbort = () => this.leave(name, queue, w, () => reject(abortedError(signal)));
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      queue.waiters.push(w);
      if (queue.waiters.length === 1) this.kick(name, queue);
    });
  }

  /** Something about `name` may have changed (a release): the head tries again. */
  wake(name: string): void {
    const q = this.queues.get(name);
    if (q) this.kick(name, q);
  }

  /** After a reconnect: every head tries again. */
  wakeAll(): void {
    for (const [name, q] of this.queues) this.kick(name, q);
  }

  /** Reject every waiter (closing). */
  rejectAll(error: unknown): void {
    for (const [name, q] of [...this.queues]) {
      for (const w of [...q.waiters]) this.leave(name, q, w, () => w.reject(error), false);
    }
    this.queues.clear();
  }

  private leave(name: string, q: NameQueue, w: Waiter, settle: () => void, kickNext = true): void {
    if (w.gone) return;
    w.gone = true;
    w.timer?.cancel();
    w.timer = undefined;
    if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
    w.onAbort = undefined;
    const wasHead = q.waiters[0] === w;
    const i = q.waiters.indexOf(w);
    if (i >= 0) q.waiters.splice(i, 1);
    settle();
    if (q.waiters.length === 0) {
      q.ttlTimer?.cancel();
      q.ttlTimer = undefined;
      if (!q.trying && this.queues.get(name) === q) this.queues.delete(name);
    } else if (wasHead && kickNext) {
      this.kick(name, q);
    }
  }

  private kick(name: string, q: NameQueue): void {
    if (q.trying) {
      q.again = true;
      return;
    }
    q.trying = true;
    void this.tryHeads(name, q);
  }

  private async tryHeads(name: string, q: NameQueue): Promise<void> {
    try {
      for (;;) {
        const head = q.waiters[0];
        if (!head) return;
        q.again = false;
        let r: TryResult;
        try {
          r = await this.deps.tryAcquire(name, head.ttl, head.deadlineAt ?? this.deps.defaultDeadline(), head.owner);
        } catch (e) {
          this.leave(name, q, head, () => head.reject(e), false);
          continue;
        }
        if ('handle' in r) {
          if (head.gone) {
            // Granted to a waiter that left meanwhile: give it straight back (wakes the next).
            await r.handle.release().catch(() => false);
            continue;
          }
          this.leave(name, q, head, () => head.resolve(r.handle), false);
          return;
        }
        q.ttlTimer?.cancel();
        q.ttlTimer = r.heldForMs >= 0 ? this.deps.clock.setTimeout(() => this.kick(name, q), r.heldForMs) : undefined;
        if (!q.again && !head.gone) return;
      }
    } finally {
      q.trying = false;
      if (q.waiters.length === 0) {
        q.ttlTimer?.cancel();
        q.ttlTimer = undefined;
        if (this.queues.get(name) === q) this.queues.delete(name);
      }
    }
  }
}
