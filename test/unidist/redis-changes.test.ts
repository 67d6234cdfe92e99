/**
 * The Redis back end's changes feed (src/unidist/redis/change-feed.ts) and the runtime's live
 * events on it, on a real redis-server: every process's counter, state and queue changes reach
 * every subscriber, exactly once, in the order Redis applied them; nothing after `subscribe()`
 * resolved is missed. Synchronised on the changes themselves, never on sleeps.
 */
import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Runtime } from '../../src/runtime/runtime.js';
import type { LiveEvent } from '../../src/runtime/live-events.js';
import { createRedisUnidist, type RedisUnidist } from '../../src/unidist/redis/index.js';
import type { UnidistChange } from '../../src/unidist/types.js';
import { startRedisServer, uniquePrefix, type RedisServer } from '../helpers/redis-server.js';
import { requireSystemTool } from '../helpers/system-tool.js';

const haveRedis = requireSystemTool('redis-server', ['--version'], 'the Redis changes-feed tests');

/**
 * Collects changes; `until(n)` resolves once `n` have arrived, `untilCounter(name)` once a change
 * of that counter has (changes arrive in order: a last write made as a marker says every earlier
 * one that was going to arrive has).
 */
function recorder(): {
  seen: UnidistChange[];
  listener: (c: UnidistChange) => void;
  until(n: number): Promise<UnidistChange[]>;
  untilCounter(name: string): Promise<UnidistChange[]>;
} {
  const seen: UnidistChange[] = [];
  const waiters: { done: () => boolean; resolve: (v: UnidistChange[]) => void }[] = [];
  const wait = (done: () => boolean): Promise<UnidistChange[]> => (done() ? Promise.resolve([...seen]) : new Promise((resolve) => waiters.push({ done, resolve })));
  return {
    seen,
    listener: (c) => {
      seen.push(c);
      for (const w of [...waiters]) if (w.done()) w.resolve([...seen]);
    },
    until: (n) => wait(() => seen.length >= n),
    untilCounter: (name) => wait(() => seen.some((c) => c.kind === 'counter' && c.name === name)),
  };
}

describe.runIf(haveRedis)('the changes feed of the Redis back end', () => {
  let redis: RedisServer;
  const open: RedisUnidist[] = [];
  const connect = async (prefix: string): Promise<RedisUnidist> => {
    const u = await createRedisUnidist({ url: redis.url, prefix });
    open.push(u);
    return u;
  };
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await Promise.all(open.map((u) => u.close()));
    await redis?.stop();
  });

  it("reports another client's counter, state and queue changes with their values, once each, in order", async () => {
    const prefix = uniquePrefix('feed');
    const [writer, reader] = [await connect(prefix), await connect(prefix)];
    const r = recorder();
    await reader.changes.subscribe(r.listener);

    await writer.counter.set('c', 5);
    await writer.counter.increment('c', 2);
    await writer.counter.getIncrement('c', 0.1);
    await writer.counter.getSet('c', 1e21);
    await writer.state.set('b', 'k', { deep: ['x', 1, null], text: 'é "q" </script>' });
    await writer.state.getSet('b', 'k', 7);
    expect(await writer.state.delete('b', 'absent')).toBe(false); // nothing happened: not reported
    expect(await writer.state.delete('b', 'k')).toBe(true);
    await writer.queue.add('q', { m: 1 });
    await writer.queue.add('q', 'two', { maxLength: 1 });
    // A fenced write refused as stale changes nothing and is not reported.
    const h = await writer.lock.acquire('L');
    await h?.release();
    await expect(writer.state.set('b', 'fenced', 1, { fence: h as never })).rejects.toMatchObject({ code: 'PB_ERR_LOCK_STALE' });
    await writer.counter.set('last', 1);

    expect(await r.untilCounter('last')).toEqual([
      { kind: 'counter', name: 'c', value: 5 },
      { kind: 'counter', name: 'c', value: 7 },
      { kind: 'counter', name: 'c', value: 7.1 },
      { kind: 'counter', name: 'c', value: 1e21 },
      { kind: 'state', bucket: 'b', key: 'k', value: { deep: ['x', 1, null], text: 'é "q" </script>' }, deleted: false },
      { kind: 'state', bucket: 'b', key: 'k', value: 7, deleted: false },
      { kind: 'state', bucket: 'b', key: 'k', value: undefined, deleted: true },
      { kind: 'queue', name: 'q', message: { m: 1 }, length: 1 },
      { kind: 'queue', name: 'q', message: 'two', length: 1 },
      { kind: 'counter', name: 'last', value: 1 },
    ]);
  });

  it('every subscriber sees the adds of several writers in the one order Redis applied them', async () => {
    const prefix = uniquePrefix('order');
    const [a, b, watcher] = [await connect(prefix), await connect(prefix), await connect(prefix)];
    const r = recorder();
    await watcher.changes.subscribe(r.listener);
    const send = async (u: RedisUnidist, who: string): Promise<void> => {
      for (let i = 0; i < 100; i++) await u.queue.add('chat', `${who}${i}`);
    };
    await Promise.all([send(a, 'a'), send(b, 'b')]);
    await a.counter.set('done', 1);
    const seen = (await r.untilCounter('done')).filter((c) => c.kind === 'queue').map((c) => (c.kind === 'queue' ? c.message : c));
    expect(seen).toEqual(await watcher.queue.all('chat'));
    // The two writers did interleave (or the order would prove nothing).
    expect(seen.slice(0, 100).some((m) => String(m).startsWith('b'))).toBe(true);
  });

  it('keeps one subscription per client while it has listeners, and a prefix sees only its own changes', async () => {
    const prefix = uniquePrefix('subs');
    const [writer, reader, other] = [await connect(prefix), await connect(prefix), await connect(uniquePrefix('other'))];
    const numsub = async (): Promise<number> => {
      const c = createClient({ socket: { path: redis.socket, tls: false } });
      await c.connect();
      try {
        const r = (await c.sendCommand(['PUBSUB', 'NUMSUB', `${prefix}:changes`])) as [string, number];
        return Number(r[1]);
      } finally {
        c.destroy();
      }
    };
    const first = recorder();
    const second = recorder();
    const leaveFirst = await reader.changes.subscribe(first.listener);
    const leaveSecond = await reader.changes.subscribe(second.listener);
    expect(await numsub()).toBe(1);
    const foreign = recorder();
    await other.changes.subscribe(foreign.listener);

    await writer.counter.increment('n');
    await Promise.all([first.until(1), second.until(1)]);
    await leaveFirst();
    expect(await numsub()).toBe(1);
    await writer.counter.increment('n');
    await second.until(2);
    await leaveSecond();
    expect(await numsub()).toBe(0);
    // Subscribing again works, and nothing of the other prefix arrived meanwhile.
    const third = recorder();
    await reader.changes.subscribe(third.listener);
    await writer.counter.increment('n');
    expect(await third.until(1)).toEqual([{ kind: 'counter', name: 'n', value: 3 }]);
    expect(first.seen).toHaveLength(1);
    expect(foreign.seen).toEqual([]);
  });

  it('a runtime on Redis shows its own and other processes\' changes on its live events, each once', async () => {
    const prefix = uniquePrefix('runtime');
    const runtime = await Runtime.create({ unidistBackend: { backend: 'redis', url: redis.url, prefix } });
    try {
      const other = await connect(prefix);
      const events: LiveEvent[] = [];
      let notify: () => void = () => undefined;
      const unsubscribe = runtime.events.subscribe((e) => {
        events.push(e);
        notify();
      });
      await runtime.events.ready?.();
      await runtime.unidist.counter.increment('mine');
      await other.queue.add('theirs', 'hello');
      await runtime.unidist.state.set('s', 'k', 1);
      await new Promise<void>((resolve) => {
        // The last change made: every earlier one has arrived by then (one order).
        notify = () => events.some((e) => e.kind === 'state') && resolve();
        notify();
      });
      expect(events).toEqual([
        { kind: 'counter', name: 'mine', value: 1 },
        { kind: 'queue', name: 'theirs', message: 'hello', length: 1 },
        { kind: 'state', bucket: 's', key: 'k', value: 1, deleted: false },
      ]);
      unsubscribe();
    } finally {
      await runtime.stop();
    }
  });
});
