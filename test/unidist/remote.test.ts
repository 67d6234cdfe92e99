import { BroadcastChannel, MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { createLogger, type LogRecord } from '../../src/core/logger.js';
import { createMemoryUnidist, type MemoryUnidist } from '../../src/unidist/memory/index.js';
import { connectUnidist, serveUnidist } from '../../src/unidist/remote/index.js';
import { FakeClock } from '../helpers/fake-clock.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(logger = createLogger(() => undefined, 'silent')): Promise<{
  host: MemoryUnidist;
  port1: MessagePort;
  port2: MessagePort;
  detach: () => void;
}> {
  const host = await createMemoryUnidist({ clock: new FakeClock(), logger });
  const { port1, port2 } = new MessageChannel();
  const detach = serveUnidist(host, port1, 'worker-7');
  cleanups.push(() => host.close(), () => port1.close(), () => port2.close());
  return { host, port1, port2, detach };
}

describe('remote unidist (MessageChannel)', () => {
  it('ignores messages that are not its own, on both sides', async () => {
    const { port1, port2 } = await setup();
    const client = connectUnidist(port2);
    const seen: unknown[] = [];
    port2.on('message', (m) => seen.push(m));
    port2.postMessage({ type: 'runScript', id: 1 }); // the script runner's traffic
    port2.postMessage({ pbu: 2, id: 1, m: 'counter.increment', a: ['x'] });
    port1.postMessage({ id: 1, r: 99 });
    port1.postMessage({ pbu: 1, id: 12345, r: 99, foreign: true }); // a response to a request never made
    expect(await client.counter.increment('x')).toBe(1);
    expect(await client.counter.increment('x')).toBe(2);
    // The host answered only our two requests: nothing for the foreign ones.
    expect(seen.filter((m) => (m as { pbu?: number }).pbu === 1 && !(m as { foreign?: boolean }).foreign)).toHaveLength(2);
  });

  it('lock handles work remotely and show the client id as owner', async () => {
    const { host, port2 } = await setup();
    const client = connectUnidist(port2);
    const h = (await client.lock.acquire('L', { ttl: 10_000 }))!;
    expect((await host.lock.list()).map((l) => [l.name, l.owner, l.token])).toEqual([['L', 'worker-7', h.token]]);
    expect(await client.lock.acquire('L', { timeout: 0 })).toBeNull();
    expect(await h.release()).toBe(true);
    expect(await h.release()).toBe(false);
    expect(await host.lock.isLocked('L')).toBe(false);
  });

  it('detach releases every lock the client held and cancels its waits', async () => {
    const { host, port2, detach } = await setup();
    const client = connectUnidist(port2);
    await client.lock.acquire('a');
    await client.lock.acquire('b');
    const other = (await host.lock.acquire('c'))!;
    const waitLock = client.lock.acquire('c');
    const waitQueue = client.queue.wait('jobs');
    await client.lock.isLocked('sync'); // every request above has reached the host
    detach();
    await expect(waitLock).rejects.toMatchObject({ code: 'PB_ERR_UNIDIST' });
    await expect(waitQueue).rejects.toMatchObject({ code: 'PB_ERR_UNIDIST' });
    expect(await host.lock.isLocked('a')).toBe(false);
    expect(await host.lock.isLocked('b')).toBe(false);
    // The cancelled waits are gone from the host: nobody takes these.
    await other.release();
    expect(await host.lock.isLocked('c')).toBe(false);
    await host.queue.add('jobs', 1);
    expect(await host.queue.count('jobs')).toBe(1);
    await expect(client.counter.get('x')).rejects.toMatchObject({ code: 'PB_ERR_UNIDIST' });
  });

  it('rejects pending and later requests with PB_ERR_UNIDIST when the endpoint closes; the host cleans up', async () => {
    const { host, port1, port2 } = await setup();
    const client = connectUnidist(port2);
    await client.lock.acquire('held');
    const pending = client.queue.wait('never');
    await client.lock.isLocked('sync');
    port1.close();
    await expect(pending).rejects.toMatchObject({ code: 'PB_ERR_UNIDIST' });
    await expect(client.counter.get('x')).rejects.toMatchObject({ code: 'PB_ERR_UNIDIST' });
    expect(await host.lock.isLocked('held')).toBe(false);
  });

  it('client close() says goodbye: the host frees its locks and keeps serving the endpoint', async () => {
    const { host, port2 } = await setup();
    const first = connectUnidist(port2);
    await first.lock.acquire('mine');
    await first.close();
    await expect(first.counter.get('x')).rejects.toMatchObject({ code: 'PB_ERR_CLOSED' });
    const second = connectUnidist(port2);
    expect(await second.lock.acquire('mine', { timeout: 0 })).not.toBeNull();
    expect(await host.lock.isLocked('mine')).toBe(true);
  });

  it('forwards AbortSignals', async () => {
    const { host, port2 } = await setup();
    const client = connectUnidist(port2);
    await host.lock.acquire('x');
    const ac = new AbortController();
    const p = client.lock.acquire('x', { signal: ac.signal });
    await client.lock.isLocked('sync');
    ac.abort();
    await expect(p).rejects.toMatchObject({ code: 'PB_ERR_ABORTED' });
    await expect(client.queue.wait('q', { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'PB_ERR_ABORTED' });
  });

  it('log lines from the client land in the host logger; errors keep their class and code', async () => {
    const records: LogRecord[] = [];
    const { port2 } = await setup(createLogger((r) => records.push(r), 'debug'));
    const client = connectUnidist(port2);
    await client.log.warn('disk low', { free: 3 });
    expect(records.map((r) => [r.level, r.msg, r.fields])).toEqual([['warn', 'disk low', { free: 3 }]]);
    const err = await client.counter.set('', 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err).toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
    await expect(client.state.set('b', 'k', () => 1)).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
  });

  it('works over a BroadcastChannel', async () => {
    const host = await createMemoryUnidist();
    const a = new BroadcastChannel('pb-unidist-test');
    const b = new BroadcastChannel('pb-unidist-test');
    cleanups.push(() => host.close(), () => a.close(), () => b.close());
    serveUnidist(host, a, 'bc');
    const client = connectUnidist(b);
    expect(await client.counter.increment('n', 3)).toBe(3);
    expect(await host.counter.get('n')).toBe(3);
  });
});

describe('remote unidist host input', () => {
  it('answers an unknown method (even an Object.prototype name) with PB_ERR_INVALID_ARGUMENT', async () => {
    const host = await createMemoryUnidist();
    const { port1, port2 } = new MessageChannel();
    cleanups.push(() => host.close(), () => port1.close(), () => port2.close());
    serveUnidist(host, port1, 'x');
    const replies: unknown[] = [];
    const got = new Promise<void>((resolve) =>
      port2.on('message', (m) => {
        replies.push(m);
        if (replies.length === 2) resolve();
      }),
    );
    port2.postMessage({ pbu: 1, id: 1, m: 'toString', a: [] });
    port2.postMessage({ pbu: 1, id: 2, m: 'counter.nope', a: [] });
    await got;
    expect(replies).toEqual([
      { pbu: 1, id: 1, e: { c: 'PB_ERR_INVALID_ARGUMENT', msg: expect.any(String) as unknown } },
      { pbu: 1, id: 2, e: { c: 'PB_ERR_INVALID_ARGUMENT', msg: expect.any(String) as unknown } },
    ]);
  });
});
