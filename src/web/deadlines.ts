/**
 * Request timeouts (SPEC §7 "per-request timeout") without a timer per request.
 *
 * A Node timer per request costs its `Timeout` object, a list insert and removal and a ref-count
 * toggle on every request, nearly all of which finish long before their timeout. Here the
 * requests of one timeout length wait in one first-in-first-out queue, which is therefore in
 * deadline order, and one timer is armed for the earliest deadline of all queues. Starting a
 * request is an array push; finishing it marks its entry done. The timer, when it fires, ends
 * every entry whose deadline has passed and re-arms for the next one.
 *
 * Memory stays proportional to the requests in flight: done entries are dropped from the head of
 * their queue when a request starts, and a queue whose done entries outnumber its live ones (one
 * slow request holding the head) is compacted.
 *
 * The timer is unref'd: the listening server, not a pending deadline, keeps the process alive.
 */
import type { Clock, TimerHandle } from '../core/clock.js';

export interface Deadline {
  /** The request finished: its deadline will not fire. Idempotent. */
  cancel(): void;
}

class Entry implements Deadline {
  done = false;
  constructor(
    readonly at: number,
    /** Dropped when done: what it holds (the request's run) is garbage then, not kept by the queue. */
    public fire: (() => void) | undefined,
    private readonly queue: Queue,
  ) {}

  cancel(): void {
    if (this.done) return;
    this.done = true;
    this.fire = undefined;
    this.queue.live--;
  }
}

class Queue {
  entries: (Entry | undefined)[] = [];
  head = 0;
  live = 0;

  /** Take the head entry off the queue. */
  shift(): void {
    this.entries[this.head++] = undefined;
  }

  /** Drop done entries from the head; compact when mostly done. */
  trim(): void {
    const { entries } = this;
    while (this.head < entries.length && (entries[this.head] as Entry).done) this.shift();
    if (this.head === entries.length) {
      this.entries = [];
      this.head = 0;
    } else if (entries.length - this.head > 64 && this.live * 2 < entries.length - this.head) {
      this.entries = entries.slice(this.head).filter((e) => e !== undefined && !e.done);
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > entries.length) {
      this.entries = entries.slice(this.head);
      this.head = 0;
    }
  }

  first(): Entry | undefined {
    return this.entries[this.head];
  }
}

export class Deadlines {
  private readonly queues = new Map<number, Queue>();
  private timer: TimerHandle | undefined;
  private timerAt = Infinity;

  constructor(private readonly clock: Clock) {}

  /** Call `fire` once `ms` from now, unless the returned deadline is cancelled first. */
  add(ms: number, fire: () => void): Deadline {
    let queue = this.queues.get(ms);
    if (!queue) this.queues.set(ms, (queue = new Queue()));
    else queue.trim();
    const entry = new Entry(this.clock.now() + ms, fire, queue);
    queue.entries.push(entry);
    queue.live++;
    if (entry.at < this.timerAt) this.arm(entry.at);
    return entry;
  }

  /** Requests waiting for their deadline (for tests and figures). */
  get pending(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.live;
    return n;
  }

  /** Entries the queues hold, finished ones not yet dropped included (for tests). */
  get queued(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.entries.length - q.head;
    return n;
  }

  private arm(at: number): void {
    this.timer?.cancel();
    this.timerAt = at;
    this.timer = this.clock.setTimeout(() => this.expire(), Math.max(0, at - this.clock.now())).unref();
  }

  private expire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.clock.now();
    const due: (() => void)[] = [];
    let next = Infinity;
    for (const [ms, queue] of this.queues) {
      for (let e = queue.first(); e && (e.done || e.at <= now); e = queue.first()) {
        queue.shift();
        if (e.done) continue;
        const fire = e.fire as () => void;
        e.cancel();
        due.push(fire);
      }
      queue.trim();
      const first = queue.first();
      if (first) next = Math.min(next, first.at);
      else this.queues.delete(ms);
    }
    // Re-armed before any `fire` runs, so one that throws cannot stop the later deadlines.
    if (next < Infinity) this.arm(next);
    let failure: { readonly error: unknown } | undefined;
    for (const fire of due) {
      try {
        fire();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }
}
