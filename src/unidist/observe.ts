/**
 * A unidist that reports its changes: counters set or incremented, state keys set or deleted,
 * queue messages added. The runtime wraps its unidist with this so that dropSTAR's `/events`
 * (SPEC §7) can push them to pages; the wrapper sits in front of the back end, so calls from
 * worker threads (which reach the main thread's unidist over their channel) are seen too.
 *
 * Choices:
 * - A change is reported after the back end confirmed it, with the resulting value (an
 *   increment reports the new value).
 * - Queue takes (`oldest`/`newest` with remove, `wait`) are not reported: pages show adds.
 * - Only changes made through this object are seen; another process sharing a Redis back end
 *   changes the data behind its back (the Redis back end's own `changes` feed sees those).
 * - A listener that throws never fails the unidist call.
 * - Every argument is passed on as given (fences included: a stale fenced write still fails,
 *   and is not reported).
 */
import type { Counters, Queues, StateBuckets, Unidist, UnidistChange, UnidistChangeListener } from './types.js';

export type { UnidistChange, UnidistChangeListener } from './types.js';

export function observeUnidist(inner: Unidist, listener: UnidistChangeListener): Unidist {
  const emit = (change: UnidistChange): void => {
    try {
      listener(change);
    } catch {
      // Reporting is best effort; the change itself has been made.
    }
  };
  const counter: Counters = {
    get: (name) => inner.counter.get(name),
    all: () => inner.counter.all(),
    set: async (name, value, options) => {
      await inner.counter.set(name, value, options);
      emit({ kind: 'counter', name, value });
    },
    getSet: async (name, value, options) => {
      const previous = await inner.counter.getSet(name, value, options);
      emit({ kind: 'counter', name, value });
      return previous;
    },
    increment: async (name, by) => {
      const value = await inner.counter.increment(name, by);
      emit({ kind: 'counter', name, value });
      return value;
    },
    getIncrement: async (name, by) => {
      const previous = await inner.counter.getIncrement(name, by);
      emit({ kind: 'counter', name, value: previous + (by ?? 1) });
      return previous;
    },
  };
  const state: StateBuckets = {
    get: (bucket, key, defaultValue) => inner.state.get(bucket, key, defaultValue),
    has: (bucket, key) => inner.state.has(bucket, key),
    keys: (bucket) => inner.state.keys(bucket),
    buckets: () => inner.state.buckets(),
    set: async (bucket, key, value, options) => {
      await inner.state.set(bucket, key, value, options);
      emit({ kind: 'state', bucket, key, value, deleted: false });
    },
    getSet: async (bucket, key, value, options) => {
      const previous = await inner.state.getSet(bucket, key, value, options);
      emit({ kind: 'state', bucket, key, value, deleted: false });
      return previous as never;
    },
    delete: async (bucket, key, options) => {
      const existed = await inner.state.delete(bucket, key, options);
      if (existed) emit({ kind: 'state', bucket, key, value: undefined, deleted: true });
      return existed;
    },
  };
  const queue: Queues = {
    count: (name) => inner.queue.count(name),
    oldest: (name, options) => inner.queue.oldest(name, options),
    newest: (name, options) => inner.queue.newest(name, options),
    all: (name) => inner.queue.all(name),
    wait: (name, options) => inner.queue.wait(name, options),
    setMaxLength: (name, maxLength) => inner.queue.setMaxLength(name, maxLength),
    add: async (name, message, options) => {
      const length = await inner.queue.add(name, message, options);
      emit({ kind: 'queue', name, message, length });
      return length;
    },
  };
  return {
    lock: inner.lock,
    log: inner.log,
    counter,
    state,
    queue,
    flush: () => inner.flush(),
    close: () => inner.close(),
  };
}
