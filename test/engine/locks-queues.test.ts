/**
 * require lock / release lock / put tag … in queue against the real in-process memory unidist,
 * with a FakeClock driving lock timeouts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ProcblockError } from '../../src/core/errors.js';
import { createLogger } from '../../src/core/logger.js';
import { processMapping } from '../../src/engine/process-block.js';
import { createUnidist } from '../../src/unidist/index.js';
import type { Unidist } from '../../src/unidist/types.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { pureServices } from './helpers.js';

const open: Unidist[] = [];
afterEach(async () => {
  for (const u of open.splice(0)) await u.close();
});

async function setup() {
  const clock = new FakeClock();
  const unidist = await createUnidist({ backend: 'memory', clock, logger: createLogger(() => undefined, 'silent') });
  open.push(unidist);
  const captured = pureServices({ unidist, clock });
  return { ...captured, unidist, clock };
}

describe('require lock', () => {
  it('holds the lock while the level runs and releases it when the level ends', async () => {
    const { services, unidist } = await setup();
    // Locks are not re-entrant: the inner level cannot take "db" while the outer level holds it.
    const { result } = await processMapping(
      { guarded: { 'require lock': 'db', inner: { 'require lock': { name: 'db', timeout: 0 }, x: 1 }, y: 2 }, after: 3 },
      { services },
    );
    expect(result).toEqual({ guarded: { inner: {}, y: 2 }, after: 3 });
    expect(await unidist.lock.isLocked('db')).toBe(false);
  });

  it('releases the lock when the level fails', async () => {
    const { services, unidist } = await setup();
    const e = (await processMapping({ level: { 'require lock': 'db', __return_tag: 'nope' } }, { services }).catch((err: unknown) => err)) as ProcblockError;
    expect(e.code).toBe('PB_ERR_RETURN_TAG_MISSING');
    expect(await unidist.lock.isLocked('db')).toBe(false);
  });

  it('release lock frees it early, for later keys of the same processing', async () => {
    const { services, unidist } = await setup();
    // `probe` runs at priority 9999 after `release lock` (document order) and takes the lock with timeout 0.
    const { result } = await processMapping(
      { 'require lock': 'db', 'release lock': { name: 'db' }, probe: { __priority: 10000, 'require lock': { name: 'db', timeout: 0, timeout_exception: true }, ok: true } },
      { services },
    );
    expect(result).toEqual({ probe: { ok: true } });
    expect(await unidist.lock.isLocked('db')).toBe(false);
  });

  it('release lock of a lock not held is PB_ERR_LOCK_NOT_HELD', async () => {
    const { services } = await setup();
    const e = (await processMapping({ 'release lock': 'other' }, { services }).catch((err: unknown) => err)) as ProcblockError;
    expect(e.code).toBe('PB_ERR_LOCK_NOT_HELD');
    expect(e.location?.keyPath).toBe('release lock');
  });

  describe('when the lock is busy and the timeout passes', () => {
    async function busy(data: Record<string, unknown>) {
      const env = await setup();
      const holder = await env.unidist.lock.acquire('db');
      expect(holder).not.toBeNull();
      const p = processMapping(data, { services: env.services }).then(
        (v) => ({ ok: true as const, v }),
        (e: unknown) => ({ ok: false as const, e }),
      );
      await env.clock.advance(4_999);
      const early = await Promise.race([p, Promise.resolve('pending')]);
      expect(early).toBe('pending');
      await env.clock.advance(1);
      const out = await p;
      return { ...env, out };
    }

    it('fails with PB_ERR_LOCK_TIMEOUT when timeout_exception is true', async () => {
      const { out } = await busy({ 'require lock': { name: 'db', timeout: 5, timeout_exception: true }, a: 1 });
      expect(out.ok).toBe(false);
      expect(!out.ok && (out.e as ProcblockError).code).toBe('PB_ERR_LOCK_TIMEOUT');
      expect(!out.ok && (out.e as ProcblockError).location?.keyPath).toBe('require lock');
    });

    it('processes timeout_block in place of the rest of the level', async () => {
      const { out } = await busy({
        page: { 'require lock': { name: 'db', timeout: 5, timeout_block: { 'set busy': true, message: 'busy, try later' } }, 'set ran': true, content: 'x' },
      });
      expect(out.ok && out.v.result).toEqual({ page: { message: 'busy, try later' } });
      expect(out.ok && out.v.pipeData).toEqual({ busy: true });
    });

    it('skips the rest of the level with a warning when neither is given', async () => {
      const { out, logs } = await busy({ page: { 'require lock': { name: 'db', timeout: 5 }, 'set ran': true, content: 'x' }, other: 1 });
      expect(out.ok && out.v.result).toEqual({ page: {}, other: 1 });
      expect(out.ok && out.v.pipeData).toEqual({});
      expect(logs.some((l) => l.level === 'warn' && l.msg.includes('"db"'))).toBe(true);
    });
  });
});

describe('put tag … in queue …', () => {
  it('posts the processed value of a sibling after the level', async () => {
    const { services, unidist } = await setup();
    await processMapping(
      {
        'put tag message in queue wall': null,
        message: { text: 'hello', 'if urgent == true': { level: 'high' } },
        'set urgent': true,
      },
      { services },
    );
    expect(await unidist.queue.all('wall')).toEqual([{ text: 'hello', level: 'high' }]);
  });

  it('takes {tag, queue} pairs in the value of the bare key', async () => {
    const { services, unidist } = await setup();
    await processMapping({ a: 1, b: [2], 'put tag in queue': [{ tag: 'a', queue: 'qa' }, { tag: 'b', queue: 'qb' }] }, { services });
    expect(await unidist.queue.all('qa')).toEqual([1]);
    expect(await unidist.queue.all('qb')).toEqual([[2]]);
  });

  it('fails when the sibling stored nothing', async () => {
    const { services } = await setup();
    const e = (await processMapping({ 'put tag nope in queue q': null }, { services }).catch((err: unknown) => err)) as ProcblockError;
    expect(e.code).toBe('PB_ERR_RUNTIME');
    expect(e.location?.keyPath).toBe('put tag nope in queue q');
  });
});
