import { describe, expect, it } from 'vitest';
import type { ContractEnv } from './env.js';
import type { LockHandle } from '../../../src/unidist/types.js';
import { sync } from './env.js';

export function describeLogAndLifecycleContract(env: ContractEnv): void {
  describe('log and lifecycle', () => {
    it('log methods resolve; a bad level is PB_ERR_INVALID_ARGUMENT', async () => {
      const { u } = env;
      await u.log.info('hello', { n: 1 });
      await u.log.debug('d');
      await u.log.warn('w');
      await u.log.error('e');
      await u.log.write('info', 'x');
      await expect(u.log.write('loud' as never, 'x')).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
    });

    it('flush resolves; close is idempotent and later calls reject PB_ERR_CLOSED', async () => {
      const { u } = env;
      await u.counter.increment('z');
      await u.flush();
      const p1 = u.close();
      const p2 = u.close();
      expect(p1).toBe(p2);
      await p1;
      await expect(u.counter.get('z')).rejects.toMatchObject({ code: 'PB_ERR_CLOSED' });
    });

    it('close rejects pending waits', async () => {
      const { u } = env;
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
}
