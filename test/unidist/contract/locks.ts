import { describe, expect, it } from 'vitest';
import type { ContractEnv } from './env.js';
import { sync, track } from './env.js';

export function describeLockContract(env: ContractEnv): void {
  describe('locks', () => {
    it('acquires, reports, releases; a second release returns false', async () => {
      const { u } = env;
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
      const { u } = env;
      const tokens: number[] = [];
      for (let i = 0; i < 5; i++) {
        const h = (await u.lock.acquire('f'))!;
        tokens.push(h.token);
        await h.release();
      }
      for (let i = 1; i < tokens.length; i++) expect(tokens[i]!).toBeGreaterThan(tokens[i - 1]!);
    });

    it('timeout 0 tries once and returns null when held', async () => {
      const { u } = env;
      const h = await u.lock.acquire('t0');
      expect(await u.lock.acquire('t0', { timeout: 0 })).toBeNull();
      await h!.release();
      expect(await u.lock.acquire('t0', { timeout: 0 })).not.toBeNull();
    });

    it('a waiter times out by the clock, not before', async () => {
      const { u, clock } = env;
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
      const { u } = env;
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
      const { u, clock } = env;
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

    it("durations with units: timeout '500ms', ttl '2s' (ms as numbers, units as strings)", async () => {
      const { u, clock } = env;
      const held = (await u.lock.acquire('dur', { ttl: '2s' }))!;
      const w = track(u.lock.acquire('dur', { timeout: '0.5s' }));
      await sync(u);
      await clock.advance(499);
      await sync(u);
      expect(w.settled()).toBe(false);
      await clock.advance(1);
      expect(await w.promise).toBeNull();
      await clock.advance(1499);
      expect(await u.lock.isLocked('dur')).toBe(true);
      await clock.advance(1);
      expect(await u.lock.isLocked('dur')).toBe(false);
      expect(await held.release()).toBe(false);
    });

    it('a timeout or ttl that is neither ms nor a duration with units is PB_ERR_INVALID_ARGUMENT', async () => {
      const { u } = env;
      for (const options of [{ timeout: '30' }, { ttl: 'soon' }, { timeout: -1 }, { ttl: '5 parsecs' }]) {
        await expect(u.lock.acquire('bad', options)).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
      }
      expect(await u.lock.isLocked('bad')).toBe(false);
    });

    it('a TTL expiry hands the lock to the oldest waiter', async () => {
      const { u, clock } = env;
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
      const { u } = env;
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
      const { u } = env;
      await u.lock.acquire('ab2');
      await expect(u.lock.acquire('ab2', { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'PB_ERR_ABORTED' });
    });

    it('list() shows held locks with token, since and expiry', async () => {
      const { u, clock } = env;
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
      const { u } = env;
      await expect(u.lock.acquire('')).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
      await expect(u.lock.acquire('x', { timeout: -1 })).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
    });
  });
}
