/** A unidist that reports its changes (src/unidist/observe.ts), over the memory back end. */
import { describe, expect, it } from 'vitest';
import { createMemoryUnidist } from '../../src/unidist/memory/index.js';
import { observeUnidist, type UnidistChange } from '../../src/unidist/observe.js';

describe('observeUnidist', () => {
  it('reports counter, state and queue changes with their resulting values, after the back end made them', async () => {
    const changes: UnidistChange[] = [];
    const inner = await createMemoryUnidist({});
    const u = observeUnidist(inner, (c) => {
      changes.push(c);
      throw new Error('a failing listener never fails the call');
    });
    expect(await u.counter.increment('c', 2)).toBe(2);
    expect(await u.counter.getIncrement('c')).toBe(2);
    await u.counter.set('d', 7);
    expect(await u.counter.getSet('d', 1)).toBe(7);
    await u.state.set('b', 'k', { v: 1 });
    expect(await u.state.getSet('b', 'k', 2)).toEqual({ v: 1 });
    expect(await u.state.delete('b', 'k')).toBe(true);
    expect(await u.state.delete('b', 'k')).toBe(false);
    expect(await u.queue.add('q', 'm', { maxLength: 1 })).toBe(1);
    expect(await u.queue.add('q', 'n', { maxLength: 1 })).toBe(1);
    expect(await u.queue.oldest('q')).toBe('n');
    expect(await u.counter.get('c')).toBe(3);
    expect(changes).toEqual([
      { kind: 'counter', name: 'c', value: 2 },
      { kind: 'counter', name: 'c', value: 3 },
      { kind: 'counter', name: 'd', value: 7 },
      { kind: 'counter', name: 'd', value: 1 },
      { kind: 'state', bucket: 'b', key: 'k', value: { v: 1 }, deleted: false },
      { kind: 'state', bucket: 'b', key: 'k', value: 2, deleted: false },
      { kind: 'state', bucket: 'b', key: 'k', value: undefined, deleted: true },
      { kind: 'queue', name: 'q', message: 'm', length: 1 },
      { kind: 'queue', name: 'q', message: 'n', length: 1 },
    ]);
    await u.close();
  });

  it('passes fences on: a write fenced by a lock no longer held fails and is not reported', async () => {
    const changes: UnidistChange[] = [];
    const u = observeUnidist(await createMemoryUnidist({}), (c) => changes.push(c));
    const held = await u.lock.acquire('l');
    if (!held) throw new Error('lock not taken');
    const fence = { name: 'l', token: held.token };
    await u.state.set('b', 'k', 1, { fence });
    await held.release();
    await expect(u.state.set('b', 'k', 2, { fence })).rejects.toMatchObject({ code: 'PB_ERR_LOCK_STALE' });
    await expect(u.counter.set('c', 2, { fence })).rejects.toMatchObject({ code: 'PB_ERR_LOCK_STALE' });
    expect(changes).toEqual([{ kind: 'state', bucket: 'b', key: 'k', value: 1, deleted: false }]);
    await u.close();
  });
});
