import { describe, expect, it } from 'vitest';
import type { ContractEnv } from './env.js';
import { sync, track } from './env.js';

export function describeQueueContract(env: ContractEnv): void {
  describe('queues', () => {
    it('add returns the length; oldest/newest remove by default; all() does not', async () => {
      const { u } = env;
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
      const { u } = env;
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
      const { u } = env;
      await u.queue.add('w', 'x');
      expect(await u.queue.wait('w')).toBe('x');
      expect(await u.queue.count('w')).toBe(0);
    });

    it('wait blocks until a message is added; waiters are served FIFO', async () => {
      const { u } = env;
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
      const { u, clock } = env;
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

    it("wait takes a duration with units ('1m' is a minute); a bare numeric string is refused", async () => {
      const { u, clock } = env;
      const w = track(u.queue.wait('wd', { timeout: '1m' }));
      await sync(u);
      await clock.advance(59_999);
      await sync(u);
      expect(w.settled()).toBe(false);
      await clock.advance(1);
      expect(await w.promise).toBeUndefined();
      await expect(u.queue.wait('wd', { timeout: '60' })).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
    });

    it('an aborted wait rejects PB_ERR_ABORTED and takes nothing', async () => {
      const { u } = env;
      const ac = new AbortController();
      const w = u.queue.wait('wa', { signal: ac.signal });
      await sync(u);
      ac.abort();
      await expect(w).rejects.toMatchObject({ code: 'PB_ERR_ABORTED' });
      await u.queue.add('wa', 1);
      expect(await u.queue.count('wa')).toBe(1);
    });
  });
}
