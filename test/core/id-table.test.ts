import { describe, expect, it } from 'vitest';
import { IdTable } from '../../src/core/id-table.js';

describe('IdTable', () => {
  it('keeps values by id, counts them, and lists them in id order', () => {
    const t = new IdTable<string>();
    t.set(3, 'c');
    t.set(1, 'a');
    t.set(2, 'b');
    t.set(2, 'B');
    expect(t.size).toBe(3);
    expect(t.get(2)).toBe('B');
    expect(t.has(4)).toBe(false);
    expect(t.values()).toEqual(['a', 'B', 'c']);
    expect(t.ids()).toEqual([1, 2, 3]);
    expect(t.delete(2)).toBe(true);
    expect(t.delete(2)).toBe(false);
    expect(t.size).toBe(2);
    expect(t.get(2)).toBeUndefined();
  });

  it('gives out ids of its own, each one more than the last', () => {
    const t = new IdTable<string>();
    const a = t.add('a');
    const b = t.add('b');
    expect(b).toBe(a + 1);
    expect(t.delete(a)).toBe(true);
    const c = t.add('c');
    expect(c).toBe(b + 1);
    expect(t.values()).toEqual(['b', 'c']);
  });

  it('lists a copy: deleting while looping over it is safe', () => {
    const t = new IdTable<number>();
    for (let i = 0; i < 5; i++) t.set(i, i * 10);
    for (const id of t.ids()) t.delete(id);
    expect(t.size).toBe(0);
    expect(t.values()).toEqual([]);
  });

  it('takes ids that keep growing, as in-flight work does', () => {
    const t = new IdTable<{ id: number }>();
    for (let id = 1; id <= 100_000; id++) {
      t.set(id, { id });
      if (id > 10) t.delete(id - 10);
    }
    expect(t.size).toBe(10);
    expect(t.ids()).toEqual([99_991, 99_992, 99_993, 99_994, 99_995, 99_996, 99_997, 99_998, 99_999, 100_000]);
  });

  it('keeps an entry that stays while later ids pass over its slot, and grows with many at once', () => {
    const t = new IdTable<string>();
    t.set(1, 'long');
    for (let id = 2; id <= 10_000; id++) {
      t.set(id, `v${id}`);
      expect(t.get(id)).toBe(`v${id}`);
      if (id > 4) expect(t.delete(id - 3)).toBe(true);
    }
    expect(t.get(1)).toBe('long');
    expect(t.ids()).toEqual([1, 9998, 9999, 10_000]);
    for (let id = 20_000; id < 20_500; id++) t.set(id, `w${id}`);
    expect(t.size).toBe(504);
    expect(t.get(1)).toBe('long');
    expect(t.get(20_499)).toBe('w20499');
    expect(t.delete(1)).toBe(true);
    expect(t.has(1)).toBe(false);
    expect(t.values().slice(0, 3)).toEqual(['v9998', 'v9999', 'v10000']);
  });
});
