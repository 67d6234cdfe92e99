import { describe, expect, it } from 'vitest';
import { createLogger, type LogRecord } from '../../src/core/logger.js';
import { createUnidist } from '../../src/unidist/index.js';
import { createMemoryUnidist } from '../../src/unidist/memory/index.js';
import { FakeClock } from '../helpers/fake-clock.js';

describe('memory unidist specifics', () => {
  it('unidist.log writes to the Logger it was given, with fields', async () => {
    const records: LogRecord[] = [];
    const u = await createUnidist({ logger: createLogger((r) => records.push(r), 'debug') });
    await u.log.info('started', { n: 1 });
    await u.log.write('error', 'boom');
    expect(records.map((r) => [r.level, r.msg, r.fields])).toEqual([
      ['info', 'started', { n: 1 }],
      ['error', 'boom', undefined],
    ]);
    await u.close();
  });

  it('releaseOwner frees every lock an owner held and hands them to waiters', async () => {
    const u = await createMemoryUnidist({ clock: new FakeClock() });
    await u.lock.acquire('a', { owner: 'w1' });
    await u.lock.acquire('b', { owner: 'w1' });
    await u.lock.acquire('c', { owner: 'w2' });
    const waiter = u.lock.acquire('a', { owner: 'w3' });
    expect(u.lock.releaseOwner('w1')).toBe(2);
    expect((await waiter)?.name).toBe('a');
    expect((await u.lock.list()).map((l) => [l.name, l.owner]).sort()).toEqual([
      ['a', 'w3'],
      ['c', 'w2'],
    ]);
    await u.close();
  });

  it('a lock wait leaves no timer or listener behind', async () => {
    const clock = new FakeClock();
    const u = await createMemoryUnidist({ clock });
    const h = (await u.lock.acquire('x'))!;
    const ac = new AbortController();
    const w = u.lock.acquire('x', { timeout: 1000, signal: ac.signal });
    expect(clock.timers).toBe(1);
    await h.release();
    await w;
    expect(clock.timers).toBe(0);
    ac.abort(); // no listener left: nothing happens
    await u.close();
  });

  it('createUnidist rejects an unknown back end, naming the accepted ones', async () => {
    await expect(createUnidist({ backend: 'etcd' as never })).rejects.toMatchObject({
      code: 'PB_ERR_INVALID_ARGUMENT',
      message: expect.stringContaining('memory') as unknown,
    });
    await expect(createMemoryUnidist({ flushIntervalMs: -1 })).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
  });
});
