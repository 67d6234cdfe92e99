/**
 * Blocking queue takes (`queue.wait`) of one process, per queue name, FIFO within the process:
 * only the oldest waiter of a name (the head) has a BLPOP in flight, on a connection of its own
 * (blocking-pool.ts); Redis serves the heads of all processes in the order they blocked.
 *
 * A head's timeout, abort or the unidist closing unblocks its BLPOP, and the BLPOP's answer
 * decides the outcome: nothing → undefined (timeout) or the abort/close error; a message that
 * was taken in that instant → delivered on a timeout, or pushed back to the front of the queue
 * (LPUSH) on abort/close, so a message is never lost. A waiter that is not the head leaves at
 * once. When the blocking connection breaks (Redis away), the head takes a fresh one, waiting
 * for Redis up to its own timeout or the call timeout, then fails with PB_ERR_UNIDIST_UNAVAILABLE.
 */
import type { Clock, TimerHandle } from '../../core/clock.js';
import { abortedError } from '../memory/wait-list.js';
import type { BlockingConnection, BlockingPool } from './blocking-pool.js';
import type { RedisConnection } from './connection.js';
import { fromJson } from './json-value.js';

type Cancel = { readonly kind: 'timeout' } | { readonly kind: 'error'; readonly error: unknown };

interface Waiter {
  readonly deadlineAt: number | undefined;
  readonly resolve: (m: unknown) => void;
  readonly reject: (e: unknown) => void;
  timer: TimerHandle | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** Why it should stop (set while its BLPOP is in flight). */
  cancel: Cancel | undefined;
  /** Unblocks the in-flight BLPOP. */
  interrupt: (() => void) | undefined;
  settled: boolean;
  /** Called once it is settled (close waits for in-flight BLPOPs). */
  readonly onSettled: (() => void)[];
}

interface NameQueue {
  readonly key: string;
  readonly waiters: Waiter[];
  running: boolean;
}

export class QueueWaiters {
  private readonly queues = new Map<string, NameQueue>();
  /** Messages being put back after an abort or close (close waits for them). */
  private readonly pushBacks = new Set<Promise<unknown>>();

  constructor(
    private readonly clock: Clock,
    private readonly main: RedisConnection,
    private readonly pool: BlockingPool,
  ) {}

  wait(name: string, key: string, timeout: number | undefined, signal: AbortSignal | undefined): Promise<unknown> {
    if (signal?.aborted) return Promise.reject(abortedError(signal));
    return new Promise<unknown>((resolve, reject) => {
      const w: Waiter = {
        deadlineAt: timeout === undefined ? undefined : this.clock.now() + timeout,
        resolve,
        reject,
        timer: undefined,
        signal,
        onAbort: undefined,
        cancel: undefined,
        interrupt: undefined,
        settled: false,
        onSettled: [],
      };
      let q = this.queues.get(name);
      if (!q) {
        q = { key, waiters: [], running: false };
        this.queues.set(name, q);
      }
      const queue = q;
      if (timeout !== undefined) {
        w.timer = this.clock.setTimeout(() => {
          w.timer = undefined;
          this.stop(queue, w, { kind: 'timeout' });
        }, timeout);
      }
      if (signal) {
        w.onAbort = () => this.stop(queue, w, { kind: 'error', error: abortedError(signal) });
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      queue.waiters.push(w);
      void this.pump(name, queue);
    });
  }

  /** Stop every waiter with `error`; resolves when every in-flight BLPOP has answered. */
  async rejectAll(error: unknown): Promise<void> {
    const heads: Promise<void>[] = [];
    for (const q of this.queues.values()) {
      for (const w of [...q.waiters]) {
        this.stop(q, w, { kind: 'error', error });
        if (w.interrupt) heads.push(new Promise<void>((r) => w.onSettled.push(r)));
      }
    }
    await Promise.all(heads);
    await Promise.all([...this.pushBacks]);
  }

  private stop(q: NameQueue, w: Waiter, cancel: Cancel): void {
    if (w.settled || w.cancel) return;
    w.cancel = cancel;
    if (w.interrupt) {
      w.interrupt(); // the BLPOP's answer settles it
      return;
    }
    // Timing out while Redis is away is an outage, not "the queue stayed empty".
    if (cancel.kind === 'timeout' && this.main.isReady) this.settle(q, w, undefined, undefined);
    else if (cancel.kind === 'timeout') this.settle(q, w, this.main.unavailableNow(), undefined, true);
    else this.settle(q, w, cancel.error, undefined, true);
  }

  private settle(q: NameQueue, w: Waiter, error: unknown, value: unknown, failed = false): void {
    if (w.settled) return;
    w.settled = true;
    w.timer?.cancel();
    w.timer = undefined;
    if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
    w.onAbort = undefined;
    const i = q.waiters.indexOf(w);
    if (i >= 0) q.waiters.splice(i, 1);
    if (failed) w.reject(error);
    else w.resolve(value);
    for (const r of w.onSettled.splice(0)) r();
  }

  private async pump(name: string, q: NameQueue): Promise<void> {
    if (q.running) return;
    q.running = true;
    try {
      for (;;) {
        const head = q.waiters[0];
        if (!head) return;
        await this.serve(q, head);
      }
    } finally {
      q.running = false;
      if (q.waiters.length === 0 && this.queues.get(name) === q) this.queues.delete(name);
    }
  }

  /** Run BLPOPs for `head` until it is settled. */
  private async serve(q: NameQueue, head: Waiter): Promise<void> {
    while (!head.settled) {
      let b: BlockingConnection;
      try {
        b = await this.pool.take(head.deadlineAt ?? this.main.deadline());
      } catch (e) {
        this.settle(q, head, e, undefined, true);
        return;
      }
      if (head.settled) {
        // It timed out or was aborted while the connection was being found.
        this.pool.give(b);
        return;
      }
      const answer = b.conn.send<[string, string] | null>(['BLPOP', q.key, '0'], Infinity);
      head.interrupt = () => void this.pool.unblock(b, answer);
      let reply: [string, string] | null;
      try {
        reply = await answer;
        this.pool.give(b);
      } catch (e) {
        head.interrupt = undefined;
        this.pool.drop(b);
        if (head.cancel) {
          this.finishCancelled(q, head, null, e);
          return;
        }
        continue; // the connection broke: take a new one (Redis may be back)
      }
      head.interrupt = undefined;
      if (head.cancel) {
        this.finishCancelled(q, head, reply);
        return;
      }
      if (reply !== null) this.settle(q, head, undefined, fromJson(reply[1]));
      // null without a cancel: someone else unblocked us; block again.
    }
  }

  private finishCancelled(q: NameQueue, w: Waiter, reply: [string, string] | null, brokeWith?: unknown): void {
    const cancel = w.cancel as Cancel;
    if (reply !== null && cancel.kind === 'timeout') {
      this.settle(q, w, undefined, fromJson(reply[1]));
      return;
    }
    if (reply !== null) {
      // Taken in the instant of an abort or close: put it back where it was.
      const p = this.main.send(['LPUSH', q.key, reply[1]]).catch(() => undefined);
      this.pushBacks.add(p);
      void p.then(() => this.pushBacks.delete(p));
    }
    if (cancel.kind === 'timeout') {
      if (brokeWith !== undefined && !this.main.isReady) this.settle(q, w, this.main.unavailableNow(), undefined, true);
      else this.settle(q, w, undefined, undefined);
    } else {
      this.settle(q, w, cancel.error, undefined, true);
    }
  }
}
