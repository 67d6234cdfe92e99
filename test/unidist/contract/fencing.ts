import { describe, expect, it } from 'vitest';
import type { ContractEnv } from './env.js';

/** Fenced writes: `{ fence: handle }` writes only while that handle still holds its lock. */
export function describeFencingContract(env: ContractEnv): void {
  describe('fenced writes', () => {
    it('a fenced write lands while the lock is held, and is refused (PB_ERR_LOCK_STALE) after release', async () => {
      const { u } = env;
      const h = (await u.lock.acquire('fw'))!;
      await u.state.set('fb', 'k', 1, { fence: h });
      await u.counter.set('fc', 5, { fence: h });
      expect(await u.state.getSet('fb', 'k', 2, { fence: h })).toBe(1);
      expect(await u.counter.getSet('fc', 6, { fence: h })).toBe(5);
      await h.release();
      await expect(u.state.set('fb', 'k', 3, { fence: h })).rejects.toMatchObject({ code: 'PB_ERR_LOCK_STALE' });
      await expect(u.counter.set('fc', 7, { fence: h })).rejects.toMatchObject({ code: 'PB_ERR_LOCK_STALE' });
      await expect(u.state.delete('fb', 'k', { fence: h })).rejects.toMatchObject({ code: 'PB_ERR_LOCK_STALE' });
      expect(await u.state.get('fb', 'k')).toBe(2);
      expect(await u.counter.get('fc')).toBe(6);
    });

    it('a holder whose TTL ran out is refused; the next holder writes', async () => {
      const { u, clock } = env;
      const old = (await u.lock.acquire('fttl', { ttl: 1000 }))!;
      await u.state.set('ft', 'k', 'old', { fence: old });
      await clock.advance(1000);
      const next = (await u.lock.acquire('fttl', { timeout: 0 }))!;
      expect(next).not.toBeNull();
      await expect(u.state.set('ft', 'k', 'stale', { fence: old })).rejects.toMatchObject({ code: 'PB_ERR_LOCK_STALE' });
      await u.state.set('ft', 'k', 'new', { fence: next });
      expect(await u.state.delete('ft', 'k', { fence: next })).toBe(true);
      expect(await old.release()).toBe(false);
      expect(await next.release()).toBe(true);
    });

    it('a fence is a lock handle or {name, token}; anything else is PB_ERR_INVALID_ARGUMENT', async () => {
      const { u } = env;
      const h = (await u.lock.acquire('fshape'))!;
      await u.state.set('fs', 'k', 1, { fence: { name: h.name, token: h.token } });
      await expect(u.state.set('fs', 'k', 1, { fence: { name: 'fshape', token: h.token + 1 } })).rejects.toMatchObject({ code: 'PB_ERR_LOCK_STALE' });
      await expect(u.state.set('fs', 'k', 1, { fence: { name: '', token: 1 } })).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
      await expect(u.state.set('fs', 'k', 1, { fence: { name: 'fshape', token: 1.5 } })).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
      await h.release();
    });
  });
}
