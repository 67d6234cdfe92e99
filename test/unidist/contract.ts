/**
 * The unidist contract: every back end (memory in-process, memory through the remote client,
 * Redis later) must pass this suite. Time is a FakeClock the factory wires into the back end;
 * a back end that cannot take an injected clock (e.g. Redis with server-side TTLs) may pass a
 * clock that it drives itself, as long as `clock.advance()` moves its time.
 *
 * Cross-thread back ends: a request may still be in flight when the test advances the clock, so
 * tests call `sync(u)` (one harmless round trip) after starting a wait and before advancing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LockHandle, Unidist } from '../../src/unidist/types.js';
import { FakeClock } from '../helpers/fake-clock.js';

export type UnidistFactory = (opts: { clock: FakeClock }) => Promise<Unidist>;

/** One round trip; after it resolves, every earlier request has reached the back end. */
async function sync(u: Unidist): Promise<void> {
  await u.lock.isLocked('__contract_sync__');
}

/** Observe whether a promise settled without awaiting it. */
function track<T>(p: Promise<T>): { settled: () => boolean; promise: Promise<T> } {
  let done = false;
  const promise = p.finally(() => (done = true));
  promise.catch(() => undefined);
  return { settled: () => done, promise };
}

export function describeUnidistContract(name: string, factory: UnidistFactory): void {
  describe(`unidist contract: ${name}`, () => {
    let clock: FakeClock;
    let u: Unidist;

    beforeEach(async () => {
      clock = new FakeClock();
      u = await factory({ clock });
    });
    afterEach(async () => {
      await u.close();
    });

    describe('locks', () => {
      it('acquires, reports, releases; a second release returns false', async () => {
        const h = await u.lock.acquire('a');
        expect(h).not.toBeNull();
        expect(h!.name).toBe('a');
        expect(typeof h!.token).toBe('number');
        expect(await u.lock.isLocked('a')).toBe(true);
        expect(await u.lock.isLocked('b')).toBe(false);
        expect(await h!.release()).toBe(true);
        expect(await u.lock.isLocked('a')).toBe(false);
        expect(await h!.release()).toBe(false);
      });

      it('fencing tokens increase strictly per name', async () => {
        const tokens: number[] = [];
        for (let i = 0; i < 5; i++) {
          const h = (await u.lock.acquire('f'))!;
          tokens.push(h.token);
          await h.release();
        }
        for (let i = 1; i < tokens.length; i++) expect(tokens[i]!).toBeGreaterThan(tokens[i - 1]!);
      });

      it('timeout 0 tries once and returns null when held', async () => {
        const h = await u.lock.acquire('t0');
        expect(await u.lock.acquire('t0', { timeout: 0 })).toBeNull();
        await h!.release();
        expect(await u.lock.acquire('t0', { timeout: 0 })).not.toBeNull();
      });

      it('a waiter times out by the clock, not before', async () => {
        await u.lock.acquire('tw');
        const w = track(u.lock.acquire('tw', { timeout: 500 }));
        await sync(u);
        await clock.advance(499);
        await sync(u);
        expect(w.settled()).toBe(false);
        await clock.advance(1);
        expect(await w.promise).toBeNull();
      });

      it('release wakes waiters in FIFO order, each with a higher token', async () => {
        const h0 = (await u.lock.acquire('q'))!;
        const w1 = track(u.lock.acquire('q'));
        await sync(u);
        const w2 = track(u.lock.acquire('q'));
        await sync(u);
        const w3 = track(u.lock.acquire('q'));
        await sync(u);
        expect(w1.settled() || w2.settled() || w3.settled()).toBe(false);
        await h0.release();
        const h1 = (await w1.promise)!;
        await sync(u);
        expect(w2.settled() || w3.settled()).toBe(false);
        await h1.release();
        const h2 = (await w2.promise)!;
        await sync(u);
        expect(w3.settled()).toBe(false);
        await h2.release();
        const h3 = (await w3.promise)!;
        expect([h0.token < h1.token, h1.token < h2.token, h2.token < h3.token]).toEqual([true, true, true]);
        await h3.release();
      });

      it('a TTL frees the lock when it passes; the stale handle cannot release', async () => {
        const old = (await u.lock.acquire('ttl', { ttl: 1000 }))!;
        await clock.advance(999);
        expect(await u.lock.isLocked('ttl')).toBe(true);
        await clock.advance(1);
        expect(await u.lock.isLocked('ttl')).toBe(false);
        const next = (await u.lock.acquire('ttl', { timeout: 0 }))!;
        expect(next.token).toBeGreaterThan(old.token);
        expect(await old.release()).toBe(false);
        expect(await u.lock.isLocked('ttl')).toBe(true);
        expect(await next.release()).toBe(true);
      });

      it('a TTL expiry hands the lock to the oldest waiter', async () => {
        const old = (await u.lock.acquire('ttlw', { ttl: 100 }))!;
        const w = track(u.lock.acquire('ttlw'));
        await sync(u);
        await clock.advance(100);
        const h = (await w.promise)!;
        expect(h.token).toBeGreaterThan(old.token);
        expect(await old.release()).toBe(false);
        expect(await h.release()).toBe(true);
      });

      it('an aborted wait rejects PB_ERR_ABORTED and leaves the queue', async () => {
        const h = (await u.lock.acquire('ab'))!;
        const ac = new AbortController();
        const aborted = u.lock.acquire('ab', { signal: ac.signal });
        const w = track(u.lock.acquire('ab'));
        await sync(u);
        ac.abort();
        await expect(aborted).rejects.toMatchObject({ code: 'PB_ERR_ABORTED' });
        await h.release();
        const h2 = (await w.promise)!;
        expect(await h2.release()).toBe(true);
        expect(await u.lock.isLocked('ab')).toBe(false);
      });

      it('an already-aborted signal rejects at once', async () => {
        await u.lock.acquire('ab2');
        await expect(u.lock.acquire('ab2', { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'PB_ERR_ABORTED' });
      });

      it('list() shows held locks with token, since and expiry', async () => {
        const t0 = clock.now();
        const a = (await u.lock.acquire('la'))!;
        const b = (await u.lock.acquire('lb', { ttl: 5000 }))!;
        const list = (await u.lock.list()).sort((x, y) => x.name.localeCompare(y.name));
        expect(list.map((l) => [l.name, l.token])).toEqual([
          ['la', a.token],
          ['lb', b.token],
        ]);
        expect(list[0]!.since).toBe(t0);
        expect(list[0]!.expires).toBeUndefined();
        expect(list[1]!.expires).toBe(t0 + 5000);
        await a.release();
        expect((await u.lock.list()).map((l) => l.name)).toEqual(['lb']);
      });

      it('rejects a bad lock name with PB_ERR_INVALID_ARGUMENT', async () => {
        await expect(u.lock.acquire('')).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
        await expect(u.lock.acquire('x', { timeout: -1 })).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
      });
    });

    describe('counters', () => {
      it('reads 0 when missing; set/get; getSet returns the previous value', async () => {
        expect(await u.counter.get('c')).toBe(0);
        await u.counter.set('c', 10);
        expect(await u.counter.get('c')).toBe(10);
        expect(await u.counter.getSet('c', 3)).toBe(10);
        expect(await u.counter.get('c')).toBe(3);
      });

      it('increment returns the new value, getIncrement the previous one', async () => {
        expect(await u.counter.increment('i')).toBe(1);
        expect(await u.counter.increment('i', 5)).toBe(6);
        expect(await u.counter.getIncrement('i')).toBe(6);
        expect(await u.counter.getIncrement('i', -2)).toBe(7);
        expect(await u.counter.get('i')).toBe(5);
      });

      it('all() returns every counter', async () => {
        await u.counter.set('x', 1);
        await u.counter.increment('y', 2);
        expect(await u.counter.all()).toEqual({ x: 1, y: 2 });
      });

      it('concurrent increments are never lost', async () => {
        await Promise.all(Array.from({ length: 200 }, () => u.counter.increment('many')));
        expect(await u.counter.get('many')).toBe(200);
      });

      it('rejects non-finite values with PB_ERR_INVALID_ARGUMENT', async () => {
        await expect(u.counter.set('bad', Number.NaN)).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
        await expect(u.counter.increment('bad', Infinity)).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
        expect(await u.counter.get('bad')).toBe(0);
      });
    });

    describe('state', () => {
      it('get/set/has with defaults', async () => {
        expect(await u.state.get('b', 'k')).toBeUndefined();
        expect(await u.state.get('b', 'k', 42)).toBe(42);
        expect(await u.state.has('b', 'k')).toBe(false);
        await u.state.set('b', 'k', { deep: [1, 2, { x: 'y' }] });
        expect(await u.state.get('b', 'k', 42)).toEqual({ deep: [1, 2, { x: 'y' }] });
        expect(await u.state.has('b', 'k')).toBe(true);
      });

      it('stores a copy: mutating a value after set or get changes nothing stored', async () => {
        const v = { n: 1 };
        await u.state.set('copy', 'k', v);
        v.n = 2;
        const got = (await u.state.get<{ n: number }>('copy', 'k'))!;
        got.n = 3;
        expect(await u.state.get('copy', 'k')).toEqual({ n: 1 });
      });

      it('getSet returns the previous value (undefined when absent)', async () => {
        expect(await u.state.getSet('g', 'k', 'one')).toBeUndefined();
        expect(await u.state.getSet('g', 'k', 'two')).toBe('one');
        expect(await u.state.get('g', 'k')).toBe('two');
      });

      it('keys, delete and buckets; an emptied bucket disappears', async () => {
        await u.state.set('b1', 'x', 1);
        await u.state.set('b1', 'y', null);
        await u.state.set('b2', 'z', false);
        expect((await u.state.keys('b1')).sort()).toEqual(['x', 'y']);
        expect(await u.state.keys('none')).toEqual([]);
        expect((await u.state.buckets()).sort()).toEqual(['b1', 'b2']);
        expect(await u.state.delete('b2', 'z')).toBe(true);
        expect(await u.state.delete('b2', 'z')).toBe(false);
        expect(await u.state.buckets()).toEqual(['b1']);
        expect(await u.state.get('b1', 'y', 'dflt')).toBeNull();
      });
    });

    describe('queues', () => {
      it('add returns the length; oldest/newest remove by default; all() does not', async () => {
        expect(await u.queue.add('q', 'a')).toBe(1);
        expect(await u.queue.add('q', { b: 2 })).toBe(2);
        expect(await u.queue.add('q', 'c')).toBe(3);
        expect(await u.queue.all('q')).toEqual(['a', { b: 2 }, 'c']);
        expect(await u.queue.count('q')).toBe(3);
        expect(await u.queue.oldest('q', { remove: false })).toBe('a');
        expect(await u.queue.newest('q', { remove: false })).toBe('c');
        expect(await u.queue.count('q')).toBe(3);
        expect(await u.queue.oldest('q')).toBe('a');
        expect(await u.queue.newest('q')).toBe('c');
        expect(await u.queue.all('q')).toEqual([{ b: 2 }]);
        expect(await u.queue.oldest('q')).toEqual({ b: 2 });
        expect(await u.queue.oldest('q')).toBeUndefined();
        expect(await u.queue.newest('q')).toBeUndefined();
        expect(await u.queue.count('never')).toBe(0);
        expect(await u.queue.all('never')).toEqual([]);
      });

      it('maxLength drops the oldest first; setMaxLength trims now', async () => {
        for (let i = 1; i <= 5; i++) await u.queue.add('m', i, { maxLength: 3 });
        expect(await u.queue.all('m')).toEqual([3, 4, 5]);
        expect(await u.queue.add('m', 6)).toBe(3); // the setting sticks for later adds
        expect(await u.queue.all('m')).toEqual([4, 5, 6]);
        await u.queue.setMaxLength('m', 2);
        expect(await u.queue.all('m')).toEqual([5, 6]);
        await u.queue.setMaxLength('m', undefined);
        await u.queue.add('m', 7);
        await u.queue.add('m', 8);
        expect(await u.queue.all('m')).toEqual([5, 6, 7, 8]);
        await expect(u.queue.setMaxLength('m', 0)).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
      });

      it('wait takes at once when a message is there', async () => {
        await u.queue.add('w', 'x');
        expect(await u.queue.wait('w')).toBe('x');
        expect(await u.queue.count('w')).toBe(0);
      });

      it('wait blocks until a message is added; waiters are served FIFO', async () => {
        const w1 = track(u.queue.wait('wb'));
        await sync(u);
        const w2 = track(u.queue.wait('wb'));
        await sync(u);
        expect(w1.settled() || w2.settled()).toBe(false);
        await u.queue.add('wb', 'first');
        expect(await w1.promise).toBe('first');
        await sync(u);
        expect(w2.settled()).toBe(false);
        await u.queue.add('wb', 'second');
        expect(await w2.promise).toBe('second');
        expect(await u.queue.count('wb')).toBe(0);
      });

      it('wait times out by the clock with undefined; timeout 0 returns at once', async () => {
        expect(await u.queue.wait('wt', { timeout: 0 })).toBeUndefined();
        const w = track(u.queue.wait('wt', { timeout: 300 }));
        await sync(u);
        await clock.advance(299);
        await sync(u);
        expect(w.settled()).toBe(false);
        await clock.advance(1);
        expect(await w.promise).toBeUndefined();
        // The timed-out waiter is gone: the next message stays in the queue.
        await u.queue.add('wt', 'kept');
        expect(await u.queue.count('wt')).toBe(1);
      });

      it('an aborted wait rejects PB_ERR_ABORTED and takes nothing', async () => {
        const ac = new AbortController();
        const w = u.queue.wait('wa', { signal: ac.signal });
        await sync(u);
        ac.abort();
        await expect(w).rejects.toMatchObject({ code: 'PB_ERR_ABORTED' });
        await u.queue.add('wa', 1);
        expect(await u.queue.count('wa')).toBe(1);
      });
    });

    describe('log and lifecycle', () => {
      it('log methods resolve; a bad level is PB_ERR_INVALID_ARGUMENT', async () => {
        await u.log.info('hello', { n: 1 });
        await u.log.debug('d');
        await u.log.warn('w');
        await u.log.error('e');
        await u.log.write('info', 'x');
        await expect(u.log.write('loud' as never, 'x')).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
      });

      it('flush resolves; close is idempotent and later calls reject PB_ERR_CLOSED', async () => {
        await u.counter.increment('z');
        await u.flush();
        const p1 = u.close();
        const p2 = u.close();
        expect(p1).toBe(p2);
        await p1;
        await expect(u.counter.get('z')).rejects.toMatchObject({ code: 'PB_ERR_CLOSED' });
      });

      it('close rejects pending waits', async () => {
        const h: LockHandle = (await u.lock.acquire('cl'))!;
        expect(h).not.toBeNull();
        const w = u.lock.acquire('cl');
        const q = u.queue.wait('clq');
        await sync(u);
        await u.close();
        await expect(w).rejects.toMatchObject({ code: expect.stringMatching(/^PB_ERR_(CLOSED|UNIDIST)$/) });
        await expect(q).rejects.toMatchObject({ code: expect.stringMatching(/^PB_ERR_(CLOSED|UNIDIST)$/) });
      });
    });
  });
}
