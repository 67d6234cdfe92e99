import { describe, expect, it } from 'vitest';
import { findUncloneable } from '../../src/exec/clone-check.js';
import { deepEqual, diffPipeData, snapshotPipeData } from '../../src/exec/pipe-data-diff.js';

describe('pipe data diff', () => {
  it('finds set, changed-in-place and deleted top-level keys, and ignores untouched ones', () => {
    const data: Record<string, unknown> = { a: 1, list: [1], obj: { x: { y: 1 } }, gone: true, same: { k: [1, 2] }, date: new Date(5) };
    const before = snapshotPipeData(data);
    data.a = 2;
    (data.list as number[]).push(2);
    ((data.obj as { x: { y: number } }).x).y = 3;
    delete data.gone;
    data.fresh = 'new';
    data.same = { k: [1, 2] }; // new reference, equal value
    const d = diffPipeData(before, data);
    expect(d.set).toEqual({ a: 2, list: [1, 2], obj: { x: { y: 3 } }, fresh: 'new' });
    expect(d.deleted).toEqual(['gone']);
  });

  it('deepEqual ignores key order and compares dates, maps and NaN by value', () => {
    expect(deepEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(deepEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(deepEqual([1, 2], [1, 2, 3])).toBe(false);
    expect(deepEqual(new Date(1), new Date(1))).toBe(true);
    expect(deepEqual(new Map([[1, 'a']]), new Map([[1, 'a']]))).toBe(true);
    expect(deepEqual(new Map([[1, 'a']]), new Map([[1, 'b']]))).toBe(false);
    expect(deepEqual(Number.NaN, Number.NaN)).toBe(true);
    expect(deepEqual([1], { 0: 1 })).toBe(false);
  });
});

describe('clone check', () => {
  it('names the path of a value that cannot cross threads', () => {
    expect(findUncloneable({ a: [1, { b: () => 1 }] }, 'returned')).toBe('returned.a[1].b (function)');
    expect(findUncloneable({ p: Promise.resolve() }, 'x')).toBe('x.p (Promise)');
    expect(findUncloneable(new Map([['k', Symbol('s')]]), 'm')).toBe('m.get(k) (symbol)');
    expect(findUncloneable({ s: new Set([1, new WeakMap()]) }, 'v')).toBe('v.s<item> (WeakMap)');
    expect(findUncloneable([{ m: new Map([[() => 1, 2]]) }], 'v')).toBe('v[0].m<key> (function)');
    expect(findUncloneable(() => 1, 'top')).toBe('top (function)');
  });

  it('accepts clonable values, including cycles', () => {
    const cyclic: Record<string, unknown> = { d: new Date(), r: /x/, u8: new Uint8Array(2), s: new Set([1]) };
    cyclic.self = cyclic;
    expect(findUncloneable(cyclic, 'v')).toBeUndefined();
    expect(findUncloneable(undefined, 'v')).toBeUndefined();
  });
});
