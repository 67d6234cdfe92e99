import { describe, expect, it } from 'vitest';
import type { ContractEnv } from './env.js';

export function describeCounterAndStateContract(env: ContractEnv): void {
  describe('counters', () => {
    it('reads 0 when missing; set/get; getSet returns the previous value', async () => {
      const { u } = env;
      expect(await u.counter.get('c')).toBe(0);
      await u.counter.set('c', 10);
      expect(await u.counter.get('c')).toBe(10);
      expect(await u.counter.getSet('c', 3)).toBe(10);
      expect(await u.counter.get('c')).toBe(3);
    });

    it('getSet and getIncrement on a missing counter return 0', async () => {
      const { u } = env;
      expect(await u.counter.getSet('fresh1', 4)).toBe(0);
      expect(await u.counter.getIncrement('fresh2', 3)).toBe(0);
      expect(await u.counter.get('fresh2')).toBe(3);
    });

    it('increment returns the new value, getIncrement the previous one', async () => {
      const { u } = env;
      expect(await u.counter.increment('i')).toBe(1);
      expect(await u.counter.increment('i', 5)).toBe(6);
      expect(await u.counter.getIncrement('i')).toBe(6);
      expect(await u.counter.getIncrement('i', -2)).toBe(7);
      expect(await u.counter.get('i')).toBe(5);
    });

    it('all() returns every counter', async () => {
      const { u } = env;
      await u.counter.set('x', 1);
      await u.counter.increment('y', 2);
      expect(await u.counter.all()).toEqual({ x: 1, y: 2 });
    });

    it('concurrent increments are never lost', async () => {
      const { u } = env;
      await Promise.all(Array.from({ length: 200 }, () => u.counter.increment('many')));
      expect(await u.counter.get('many')).toBe(200);
    });

    it('rejects non-finite values with PB_ERR_INVALID_ARGUMENT', async () => {
      const { u } = env;
      await expect(u.counter.set('bad', Number.NaN)).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
      await expect(u.counter.increment('bad', Infinity)).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
      expect(await u.counter.get('bad')).toBe(0);
    });
  });

  describe('state', () => {
    it('get/set/has with defaults', async () => {
      const { u } = env;
      expect(await u.state.get('b', 'k')).toBeUndefined();
      expect(await u.state.get('b', 'k', 42)).toBe(42);
      expect(await u.state.has('b', 'k')).toBe(false);
      await u.state.set('b', 'k', { deep: [1, 2, { x: 'y' }] });
      expect(await u.state.get('b', 'k', 42)).toEqual({ deep: [1, 2, { x: 'y' }] });
      expect(await u.state.has('b', 'k')).toBe(true);
    });

    it('stores a copy: mutating a value after set or get changes nothing stored', async () => {
      const { u } = env;
      const v = { n: 1 };
      await u.state.set('copy', 'k', v);
      v.n = 2;
      const got = (await u.state.get<{ n: number }>('copy', 'k'))!;
      got.n = 3;
      expect(await u.state.get('copy', 'k')).toEqual({ n: 1 });
    });

    it('getSet returns the previous value (undefined when absent)', async () => {
      const { u } = env;
      expect(await u.state.getSet('g', 'k', 'one')).toBeUndefined();
      expect(await u.state.getSet('g', 'k', 'two')).toBe('one');
      expect(await u.state.get('g', 'k')).toBe('two');
    });

    it('keys, delete and buckets; an emptied bucket disappears', async () => {
      const { u } = env;
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
}
