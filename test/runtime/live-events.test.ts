/**
 * The runtime's live-event bus (src/runtime/live-events.ts) on a hand-driven changes feed: it
 * subscribes to the feed while it has listeners, `ready()` waits for the subscription, and a
 * feed that fails is logged and tried again at the next `ready()`.
 */
import { describe, expect, it } from 'vitest';
import { createLogger, type LogRecord } from '../../src/core/logger.js';
import { LiveEventBus, type LiveEvent } from '../../src/runtime/live-events.js';
import type { UnidistChangeFeed, UnidistChangeListener } from '../../src/unidist/types.js';

class Feed implements UnidistChangeFeed {
  listeners = new Set<UnidistChangeListener>();
  subscribes = 0;
  leaves = 0;
  /** Settles the SUBSCRIBE in flight. */
  confirm: (ok: boolean) => void = () => undefined;

  subscribe(listener: UnidistChangeListener): Promise<() => Promise<void>> {
    this.subscribes++;
    return new Promise((resolve, reject) => {
      this.confirm = (ok) => {
        if (!ok) return reject(new Error('no connection'));
        this.listeners.add(listener);
        resolve(async () => {
          this.leaves++;
          this.listeners.delete(listener);
        });
      };
    });
  }

  publish(name: string, value: number): void {
    for (const l of this.listeners) l({ kind: 'counter', name, value });
  }
}

/** Let the bus's queued steps run (they are promise continuations, no timers). */
const turns = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

const settled = async (p: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void p.then(() => (done = true));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
};

describe('LiveEventBus on a changes feed', () => {
  it('subscribes to the feed with its first listener; ready() resolves only once the feed confirmed', async () => {
    const feed = new Feed();
    const bus = new LiveEventBus(createLogger(() => undefined), feed);
    const got: LiveEvent[] = [];
    const leave = bus.subscribe((e) => got.push(e));
    const also = bus.subscribe(() => undefined);
    const ready = bus.ready();
    await turns();
    expect(await settled(ready)).toBe(false);
    feed.confirm(true);
    await ready;
    expect(feed.subscribes).toBe(1);
    feed.publish('c', 1);
    expect(got).toEqual([{ kind: 'counter', name: 'c', value: 1 }]);

    leave();
    expect(feed.leaves).toBe(0); // one listener is left
    also();
    await turns();
    expect(feed.leaves).toBe(1);
    expect(feed.listeners.size).toBe(0);
  });

  it('a feed that cannot subscribe is logged; ready() still resolves, and the next ready() tries again', async () => {
    const feed = new Feed();
    const logs: LogRecord[] = [];
    const bus = new LiveEventBus(createLogger((r) => logs.push(r), 'debug'), feed);
    bus.subscribe(() => undefined);
    const first = bus.ready();
    await turns();
    feed.confirm(false);
    await first;
    expect(logs.some((r) => r.level === 'warn' && r.msg.includes('cannot subscribe'))).toBe(true);
    const second = bus.ready();
    await turns();
    expect(feed.subscribes).toBe(2);
    feed.confirm(true);
    await second;
    expect(feed.listeners.size).toBe(1);
  });

  it('without a feed, ready() resolves at once and emit reaches the listeners', async () => {
    const bus = new LiveEventBus(createLogger(() => undefined));
    const got: LiveEvent[] = [];
    bus.subscribe((e) => got.push(e));
    await bus.ready();
    bus.emit({ kind: 'queue', name: 'q', message: 1, length: 1 });
    expect(got).toHaveLength(1);
  });
});
