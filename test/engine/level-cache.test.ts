/**
 * What the engine derives once per mapping (src/engine/level-cache.ts, data-copy.ts): plans and
 * data copies are reused for frozen mappings only, so a changed or reloaded block is never
 * served from a stale plan, and every run still gets results of its own.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkBlock } from '../../src/config/index.js';
import type { LoadedBlock } from '../../src/config/types.js';
import { ProcblockError } from '../../src/core/errors.js';
import { copyPlainTree, dataCopier, isFrozenPlainTree } from '../../src/engine/data-copy.js';
import { blockFromObject, deepFreeze } from '../../src/engine/in-memory-block.js';
import { isPlainDataBlock, processBlock } from '../../src/engine/process-block.js';
import { tempDir } from '../helpers/cli.js';
import { pureServices } from './helpers.js';

/** A block whose data is used as given (not copied, not frozen): what a library caller may hand over. */
function openBlock(data: Record<string, unknown>): LoadedBlock {
  const block = blockFromObject({});
  return { ...block, data };
}

const run = (block: LoadedBlock, pipeData: Record<string, unknown> = {}) => processBlock(block, { services: pureServices().services, pipeData });

describe('static levels (only plain data)', () => {
  it('give a fresh result on every run: changing one result never reaches the next run or the block', async () => {
    const block = blockFromObject({ answer: 42, list: [1, [2, 3]], nested: { a: { b: 'c' }, __hidden: 1 }, __note: 'x' });
    type Result = { list: [number, number[]]; nested: { a: { b: string } }; extra?: boolean };
    const first = (await run(block)).result as Result;
    expect(first).toEqual({ answer: 42, list: [1, [2, 3]], nested: { a: { b: 'c' } } });
    expect(Object.isFrozen(first) || Object.isFrozen(first.list) || Object.isFrozen(first.nested.a)).toBe(false);
    first.list[1].push(4);
    first.nested.a.b = 'changed';
    first.extra = true;
    const second = (await run(block)).result as Result;
    expect(second).toEqual({ answer: 42, list: [1, [2, 3]], nested: { a: { b: 'c' } } });
    expect(second.list).not.toBe(first.list);
    expect(block.data.list).toEqual([1, [2, 3]]);
  });

  it('keep what structuredClone kept: one object twice in a list stays one object, two keys get two copies', async () => {
    const shared = { k: 1 };
    const block = blockFromObject({ twice: [shared, shared], a: shared, b: shared });
    const r = (await run(block)).result as { twice: [object, object]; a: object; b: object };
    expect(r.twice[0]).toBe(r.twice[1]);
    expect(r.a).not.toBe(r.b);
    expect(r.a).toEqual({ k: 1 });
  });

  it('a level with a tag anywhere below still runs it on every run', async () => {
    const block = blockFromObject({ a: 1, nested: { deeper: { 'increment n': 1 }, v: 2 } });
    const pipeData: Record<string, unknown> = {};
    for (let i = 0; i < 3; i++) expect((await run(block, pipeData)).result).toEqual({ a: 1, nested: { deeper: {}, v: 2 } });
    expect(pipeData).toEqual({ n: 3 });
  });

  it('a run aborted before it starts fails at the first key, static or not', async () => {
    const block = blockFromObject({ first: 1, second: { x: 2 } });
    const c = new AbortController();
    c.abort();
    const e = await processBlock(block, { services: pureServices().services, signal: c.signal }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ProcblockError);
    expect((e as ProcblockError).code).toBe('PB_ERR_ABORTED');
    expect((e as ProcblockError).location?.keyPath).toBe('first');
  });

  it('a block of plain data at the top gives the pipe data the full path gives, and its failures as rejections', async () => {
    const block = blockFromObject({ a: 1, nested: { b: [2] } });
    const given = { q: 'x' };
    const withPipe = await processBlock(block, { services: pureServices().services, pipeData: given });
    expect(withPipe.pipeData).toBe(given);
    const input = { args: ['one'], deep: { k: 1 } };
    const fromInput = await processBlock(block, { services: pureServices().services, inputData: input });
    expect(fromInput.pipeData).toEqual(input);
    expect(fromInput.pipeData).not.toBe(input);
    expect(Object.isFrozen(fromInput.pipeData) || Object.isFrozen(fromInput.pipeData.deep)).toBe(false);
    expect(Object.isFrozen(input)).toBe(false);
    expect(isPlainDataBlock(block)).toBe(true);
    expect(isPlainDataBlock(blockFromObject({ a: 1, nested: { 'set x': 1 } }))).toBe(false);
    expect(isPlainDataBlock(blockFromObject({ a: 1, __return_tag: 'a' }))).toBe(false);
    expect(isPlainDataBlock(blockFromObject({ run: [{ set: { a: 1 } }] }))).toBe(false);
    // Without services the call still returns a promise, which rejects.
    const noServices = processBlock(block, {} as never);
    expect(noServices).toBeInstanceOf(Promise);
    await expect(noServices).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
  });
});

describe('a changed block is never served from a stale plan or copy', () => {
  it('a mapping that is not frozen is planned and copied afresh on every run', async () => {
    const data: { a: number; list: number[]; nested: { v: number }; 'set x'?: number } = { a: 1, list: [1], nested: { v: 1 } };
    const block = openBlock(data);
    expect((await run(block)).result).toEqual({ a: 1, list: [1], nested: { v: 1 } });
    data.a = 2;
    data.list.push(2);
    data.nested.v = 2;
    data['set x'] = 5;
    const pipeData: Record<string, unknown> = {};
    expect((await run(block, pipeData)).result).toEqual({ a: 2, list: [1, 2], nested: { v: 2 } });
    expect(pipeData).toEqual({ x: 5 });
  });

  it('a frozen mapping holding values that are not frozen copies them as they are now', async () => {
    const list = [1];
    const inner: Record<string, unknown> = { v: 1 };
    const block = openBlock(Object.freeze({ list, inner }) as Record<string, unknown>);
    expect((await run(block)).result).toEqual({ list: [1], inner: { v: 1 } });
    list.push(2);
    inner.v = 2;
    inner['set y'] = 1;
    const pipeData: Record<string, unknown> = {};
    expect((await run(block, pipeData)).result).toEqual({ list: [1, 2], inner: { v: 2 } });
    expect(pipeData).toEqual({ y: 1 });
  });

  it('a block file loaded again after an edit gives the new result', async () => {
    const tmp = tempDir('procblock-level-cache-');
    try {
      const file = path.join(tmp.dir, 'b.yaml');
      writeFileSync(file, 'answer: 42\nnested: {list: [1, 2]}\n');
      const before = await checkBlock(file);
      expect((await run(before)).result).toEqual({ answer: 42, nested: { list: [1, 2] } });
      writeFileSync(file, 'answer: 43\nnested: {list: [3], "set seen": true}\n');
      const after = await checkBlock(file);
      const pipeData: Record<string, unknown> = {};
      expect((await run(after, pipeData)).result).toEqual({ answer: 43, nested: { list: [3] } });
      expect(pipeData).toEqual({ seen: true });
      // The old block still gives its own result.
      expect((await run(before)).result).toEqual({ answer: 42, nested: { list: [1, 2] } });
    } finally {
      tmp.cleanup();
    }
  });
});

describe('data copies (data-copy.ts)', () => {
  it('copy frozen plain trees as structuredClone does, and hand everything else to structuredClone', () => {
    const values: unknown[] = [
      null,
      0,
      -0,
      'text',
      true,
      12n,
      [],
      {},
      [1, 'a', [null, { b: [2] }]],
      { a: { b: { c: [1, 2, { d: 'e' }] } }, n: 3 },
      Object.assign(Object.create(null) as object, { x: 1 }),
      new Date(0),
      new Map([[1, 2]]),
      [1, , 3], // eslint-disable-line no-sparse-arrays
    ];
    for (const v of values) {
      const frozen = deepFreeze(structuredClone(v));
      const copy = dataCopier(frozen)();
      expect(copy).toStrictEqual(structuredClone(frozen));
      if (typeof frozen === 'object' && frozen !== null) expect(copy).not.toBe(frozen);
    }
  });

  it('accept only deeply frozen plain trees without shared objects', () => {
    expect(isFrozenPlainTree(deepFreeze({ a: [1, { b: 2 }] }), new Set())).toBe(true);
    expect(isFrozenPlainTree({ a: 1 }, new Set())).toBe(false);
    expect(isFrozenPlainTree(Object.freeze({ a: [1] }), new Set())).toBe(false);
    const shared = Object.freeze({});
    expect(isFrozenPlainTree(Object.freeze([shared, shared]), new Set())).toBe(false);
    expect(isFrozenPlainTree(Object.freeze(new Date(0)), new Set())).toBe(false);
    expect(isFrozenPlainTree(Object.freeze([1, , 2]), new Set())).toBe(false); // eslint-disable-line no-sparse-arrays
    expect(isFrozenPlainTree(Object.freeze(JSON.parse('{"__proto__": 1}') as object), new Set())).toBe(false);
    expect(isFrozenPlainTree(Object.freeze({ s: Symbol('x') }), new Set())).toBe(false);
    expect(copyPlainTree(deepFreeze({ a: [1, { b: 2 }] }))).toEqual({ a: [1, { b: 2 }] });
  });

  it('a value that cannot be cloned fails as structuredClone fails', async () => {
    const block = openBlock(Object.freeze({ f: Object.freeze({ fn: () => 1 }) }) as Record<string, unknown>);
    await expect(run(block)).rejects.toThrow();
  });
});
