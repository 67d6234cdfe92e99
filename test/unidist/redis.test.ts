/**
 * What only the Redis back end has: several clients (as several processes would be) on one real
 * redis-server — fencing across them, lock waiters woken by pub/sub and not by polling, TTLs on
 * Redis's own clock, key prefixes, blocking takes on their own connection, JSON values, start-up
 * errors, and an outage in the middle of a run. One redis-server for the file.
 */
import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, type LogRecord } from '../../src/core/logger.js';
import { createRedisUnidist, type RedisUnidist } from '../../src/unidist/redis/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { startRedisServer, uniquePrefix, type RedisServer } from '../helpers/redis-server.js';
import { requireSystemTool } from '../helpers/system-tool.js';
import { track } from './contract/env.js';

const haveRedis = requireSystemTool('redis-server', ['--version'], 'the Redis back-end tests');

describe.runIf(haveRedis)('Redis back end (several clients, one redis-server)', () => {
  let redis: RedisServer;
  let raw: ReturnType<typeof createClient>;
  const open: RedisUnidist[] = [];

  const connect = async (prefix: string, extra: Partial<Parameters<typeof createRedisUnidist>[0]> = {}): Promise<RedisUnidist> => {
    const u = await createRedisUnidist({ url: redis.url, prefix, ...extra });
    open.push(u);
    return u;
  };

  /** Calls of EVALSHA since the server started (every lock try is one). */
  const evalshaCalls = async (): Promise<number> => {
    const info = await raw.sendCommand(['INFO', 'commandstats']);
    const m = /cmdstat_evalsha:calls=(\d+)/.exec(String(info));
    return m ? Number(m[1]) : 0;
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    raw = createClient({ socket: { path: redis.socket, tls: false } });
    raw.on('error', () => undefined);
    await raw.connect();
  });

  afterAll(async () => {
    await Promise.all(open.map((u) => u.close()));
    if (raw?.isOpen) raw.destroy();
    await redis?.stop();
  });

  it('three clients × 60 acquisitions: never two holders, tokens strictly increasing in grant order', async () => {
    const prefix = uniquePrefix('fence');
    const clients = await Promise.all([connect(prefix), connect(prefix), connect(prefix)]);
    let holders = 0;
    let maxHolders = 0;
    const grants: number[] = [];
    await Promise.all(
      clients.map(async (u) => {
        for (let i = 0; i < 60; i++) {
          const h = (await u.lock.acquire('shared', { ttl: 60_000 }))!;
          holders++;
          maxHolders = Math.max(maxHolders, holders);
          grants.push(h.token);
          await u.counter.increment('work'); // a round trip while holding it
          holders--;
          expect(await h.release()).toBe(true);
        }
      }),
    );
    expect(maxHolders).toBe(1);
    expect(grants).toHaveLength(180);
    for (let i = 1; i < grants.length; i++) expect(grants[i]!).toBeGreaterThan(grants[i - 1]!);
  });

  it('a waiter in another client is woken by the release message, without polling meanwhile', async () => {
    const prefix = uniquePrefix('pubsub');
    const a = await connect(prefix);
    const b = await connect(prefix);
    await (await b.lock.acquire('warm-up'))!.release(); // scripts cached: one try is one EVALSHA
    const held = (await a.lock.acquire('door'))!;
    const before = await evalshaCalls();
    const waiting = track(b.lock.acquire('door'));
    // B's first try has been made once the lock shows a waiter's try in the stats.
    while ((await evalshaCalls()) < before + 1) await raw.sendCommand(['PING']);
    const parked = await evalshaCalls();
    // 300 round trips of someone else's traffic: a polling waiter would show up in the stats.
    for (let i = 0; i < 300; i++) await raw.sendCommand(['PING']);
    expect(await evalshaCalls()).toBe(parked);
    expect(waiting.settled()).toBe(false);
    expect(await held.release()).toBe(true); // one lock-release script, one PUBLISH
    const h = (await waiting.promise)!;
    expect(h.token).toBeGreaterThan(held.token);
    // B tried exactly twice: when it arrived and when the release message came.
    expect((await evalshaCalls()) - before).toBe(3);
    await h.release();
  });

  it("TTLs run on Redis's clock: the key carries a PX expiry and a waiter gets the lock when it passes", async () => {
    const prefix = uniquePrefix('ttl');
    const a = await connect(prefix);
    const b = await connect(prefix);
    const old = (await a.lock.acquire('lease', { ttl: 300 }))!;
    const pttl = Number(await raw.sendCommand(['PTTL', `${prefix}:lock:lease`]));
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(300);
    const next = (await b.lock.acquire('lease'))!; // no release: only the TTL frees it
    expect(next.token).toBeGreaterThan(old.token);
    await expect(a.state.set('s', 'k', 'from the stale holder', { fence: old })).rejects.toMatchObject({ code: 'PB_ERR_LOCK_STALE' });
    expect(await old.release()).toBe(false);
    await b.state.set('s', 'k', 'from the holder', { fence: next });
    expect(await a.state.get('s', 'k')).toBe('from the holder');
    expect((await b.lock.list()).map((l) => [l.name, l.token, l.owner?.startsWith(`${process.pid}@`)])).toEqual([['lease', next.token, true]]);
    expect(await next.release()).toBe(true);
  });

  it('key prefixes: one prefix is shared, another sees nothing, and every key starts with its prefix', async () => {
    const p1 = uniquePrefix('iso');
    const p2 = uniquePrefix('iso');
    const a1 = await connect(p1);
    const b1 = await connect(p1);
    const a2 = await connect(p2);
    await a1.counter.increment('n', 5);
    await a1.state.set('bucket', 'k', { v: [1, 'two', null, true] });
    await a1.queue.add('q', 'm', { maxLength: 10 });
    const h = (await a1.lock.acquire('l'))!;
    expect(await b1.counter.get('n')).toBe(5);
    expect(await b1.state.get('bucket', 'k')).toEqual({ v: [1, 'two', null, true] });
    expect(await b1.queue.all('q')).toEqual(['m']);
    expect(await b1.lock.isLocked('l')).toBe(true);
    expect(await a2.counter.all()).toEqual({});
    expect(await a2.state.buckets()).toEqual([]);
    expect(await a2.queue.count('q')).toBe(0);
    expect(await a2.lock.isLocked('l')).toBe(false);
    const keys = (await raw.sendCommand(['KEYS', `${p1}*`])) as string[];
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.startsWith(`${p1}:`))).toBe(true);
    expect(((await raw.sendCommand(['KEYS', `${p2}*`])) as string[]).length).toBe(0);
    await h.release();
  });

  it('queue wait blocks on a connection of its own; the main one keeps answering; one message goes to one taker', async () => {
    const prefix = uniquePrefix('q');
    const producer = await connect(prefix);
    const takers = [await connect(prefix), await connect(prefix), await connect(prefix)];
    const waits = takers.map((u) => track(u.queue.wait<number>('jobs')));
    const blocked = async (): Promise<number> => {
      const list = String(await raw.sendCommand(['CLIENT', 'LIST']));
      return list.split('\n').filter((l) => / flags=b\w* /.test(l) && / cmd=blpop /.test(l)).length;
    };
    while ((await blocked()) < 3) await raw.sendCommand(['PING']);
    // Every taker's own commands still go through while its wait blocks.
    expect(await Promise.all(takers.map((u) => u.counter.increment('alive')))).toHaveLength(3);
    for (let i = 1; i <= 3; i++) await producer.queue.add('jobs', i);
    const got = await Promise.all(waits.map((w) => w.promise));
    expect([...got].sort()).toEqual([1, 2, 3]);
    expect(await producer.queue.count('jobs')).toBe(0);
  });

  it('values must be JSON data: a Date, a Map, NaN or a function is refused, naming where', async () => {
    const u = await connect(uniquePrefix('json'));
    for (const bad of [new Date(0), new Map(), { a: { b: Number.NaN } }, { f: () => 1 }, [1, undefined]]) {
      await expect(u.state.set('b', 'k', bad)).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
      await expect(u.queue.add('q', bad)).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
    }
    expect(await u.state.has('b', 'k')).toBe(false);
    expect(await u.queue.count('q')).toBe(0);
  });

  it('counters keep JavaScript arithmetic (doubles), as the memory back end does', async () => {
    const u = await connect(uniquePrefix('num'));
    expect(await u.counter.increment('f', 0.1)).toBe(0.1);
    expect(await u.counter.increment('f', 0.2)).toBe(0.1 + 0.2);
    await u.counter.set('big', 2 ** 53);
    expect(await u.counter.increment('big', 2)).toBe(2 ** 53 + 2);
    await u.counter.set('max', Number.MAX_VALUE);
    await expect(u.counter.increment('max', Number.MAX_VALUE)).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
    expect(await u.counter.get('max')).toBe(Number.MAX_VALUE);
  });

  it('start-up: no server at the socket and a wrong password are PB_ERR_UNIDIST_CONNECT; a bad URL is PB_ERR_INVALID_ARGUMENT', async () => {
    await raw.sendCommand(['ACL', 'SETUSER', 'alice', 'on', '>right', '~*', '&*', '+@all']);
    await expect(createRedisUnidist({ url: `unix://${redis.dir}/none.sock` })).rejects.toMatchObject({ code: 'PB_ERR_UNIDIST_CONNECT' });
    await expect(createRedisUnidist({ url: `${redis.url}?user=alice&password=wrong` })).rejects.toMatchObject({ code: 'PB_ERR_UNIDIST_CONNECT' });
    const ok = await connect(uniquePrefix('acl'), { url: `${redis.url}?user=alice&password=right` });
    expect(await ok.counter.increment('x')).toBe(1);
    await expect(createRedisUnidist({ url: 'redis://' })).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
    await expect(createRedisUnidist({ url: 'memcached://x' })).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
  });

  // Last in the file: it takes the server away.
  it('an outage: calls fail with PB_ERR_UNIDIST_UNAVAILABLE at their timeout, one warning is logged, and all works again after', async () => {
    const clock = new FakeClock();
    const records: LogRecord[] = [];
    let onRecord: (() => void) | undefined;
    const logger = createLogger((r) => {
      records.push(r);
      onRecord?.();
    }, 'debug');
    const logged = (re: RegExp): Promise<void> =>
      new Promise<void>((resolve) => {
        onRecord = () => {
          if (records.some((r) => re.test(r.msg))) resolve();
        };
        onRecord();
      });
    const u = await connect(uniquePrefix('outage'), { clock, callTimeout: 2000, logger });
    expect(await u.counter.increment('c')).toBe(1);
    const wait = track(u.queue.wait('nothing', { timeout: 1000 }));
    while (!/cmd=blpop/.test(String(await raw.sendCommand(['CLIENT', 'LIST'])))) await raw.sendCommand(['PING']);

    await redis.kill();
    await logged(/lost the connection/);
    const call = track(u.counter.increment('c'));
    const lock = track(u.lock.acquire('l', { timeout: 1500 }));
    await clock.advance(1000);
    await expect(wait.promise).rejects.toMatchObject({ code: 'PB_ERR_UNIDIST_UNAVAILABLE' });
    await clock.advance(500);
    await expect(lock.promise).rejects.toMatchObject({ code: 'PB_ERR_UNIDIST_UNAVAILABLE' });
    expect(call.settled()).toBe(false);
    await clock.advance(500);
    await expect(call.promise).rejects.toMatchObject({ code: 'PB_ERR_UNIDIST_UNAVAILABLE' });

    await redis.restart();
    // A call made now waits for the reconnect (the fake clock stands still), then succeeds.
    expect(await u.counter.increment('c')).toBe(1); // persistence is off: the restarted server is empty
    await logged(/reconnected/);
    expect(records.filter((r) => r.level === 'warn' && /lost the connection/.test(r.msg))).toHaveLength(1);
    expect(records.filter((r) => r.level === 'info' && /reconnected/.test(r.msg))).toHaveLength(1);
    const again = track(u.queue.wait('nothing'));
    await u.queue.add('nothing', 'after');
    expect(await again.promise).toBe('after');
    const h = (await u.lock.acquire('l', { timeout: 0 }))!;
    expect(await h.release()).toBe(true);
  });
});
