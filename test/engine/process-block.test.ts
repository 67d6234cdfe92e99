import { describe, expect, it } from 'vitest';
import { ProcblockError } from '../../src/core/errors.js';
import { blockFromObject } from '../../src/engine/in-memory-block.js';
import { processBlock, processMapping } from '../../src/engine/process-block.js';
import { pureServices } from './helpers.js';

async function run(data: Record<string, unknown>, inputData: Record<string, unknown> = {}) {
  const { services, logs } = pureServices();
  const out = await processMapping(data, { services, inputData, file: '/blocks/demo.yaml' });
  return { ...out, logs };
}

async function failure(p: Promise<unknown>): Promise<ProcblockError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ProcblockError);
  return e as ProcblockError;
}

describe('processBlock: data, nesting, internal keys', () => {
  it('copies scalars and lists, processes nested mappings, leaves list items unprocessed', async () => {
    const { result, pipeData } = await run({
      name: 'web',
      ports: [80, { 'set hidden': 1 }],
      nested: { 'set inner': 5, value: { deep: true } },
    });
    expect(result).toEqual({ name: 'web', ports: [80, { 'set hidden': 1 }], nested: { value: { deep: true } } });
    expect(pipeData).toEqual({ inner: 5 });
  });

  it('processes __ keys for their side effects and drops them from the result', async () => {
    const { result, pipeData } = await run({ __setup: { 'set ready': true, x: 1 }, __note: 'hi', kept: 1 });
    expect(result).toEqual({ kept: 1 });
    expect(pipeData).toEqual({ ready: true });
  });

  it('does not copy a nested mapping result into pipe data', async () => {
    const { pipeData } = await run({ settings: { color: 'red' } });
    expect(pipeData).toEqual({});
  });

  it('seeds pipe data from a copy of the input and never mutates input or block data', async () => {
    const input = { host: 'web1', list: [1] };
    const { services } = pureServices();
    const block = blockFromObject({ 'set host': 'db1', 'list add list': 2, copy: { a: 1 } });
    const out = await processBlock(block, { services, inputData: input });
    expect(input).toEqual({ host: 'web1', list: [1] });
    expect(out.pipeData).toEqual({ host: 'db1', list: [1, 2] });
    expect(Object.isFrozen(block.data)).toBe(true);
    const result = out.result as Record<string, Record<string, number>>;
    result.copy!.a = 2; // the result is a fresh, mutable object
    expect(block.data.copy).toEqual({ a: 1 });
  });

  it('uses a given pipe-data object in place', async () => {
    const { services } = pureServices();
    const pipeData: Record<string, unknown> = { n: 1 };
    const out = await processMapping({ 'increment n': 2 }, { services, pipeData });
    expect(out.pipeData).toBe(pipeData);
    expect(pipeData.n).toBe(3);
  });
});

describe('processBlock: priority order', () => {
  it('processes lower priorities first, ties in document order, __priority overriding', async () => {
    const { pipeData } = await run({
      a: { 'list add order': 'a' },
      b: { __priority: 10, 'list add order': 'b' },
      'list add order': 'set-50',
      c: { 'list add order': 'c' },
      d: { __priority: 700, 'list add order': 'd' },
      'if order has "c"': { 'list add order': 'if-600' },
    });
    expect(pipeData.order).toEqual(['b', 'set-50', 'a', 'c', 'if-600', 'd']);
  });

  it('lets a condition see a set written after it (set 50 before if 600)', async () => {
    const { result } = await run({ 'if mode == "fast"': { speed: 10 }, 'set mode': 'fast' });
    expect(result).toEqual({ speed: 10 });
  });
});

describe('processBlock: __return_tag', () => {
  it('returns the processed value of the named key', async () => {
    const { result } = await run({ __return_tag: 'page', page: { 'set t': 1, title: 'x' }, other: 2 });
    expect(result).toEqual({ title: 'x' });
  });

  it('works at nested levels and for scalar values', async () => {
    const { result } = await run({ inner: { __return_tag: 'v', v: 42, w: 1 } });
    expect(result).toEqual({ inner: 42 });
  });

  it('fails with PB_ERR_RETURN_TAG_MISSING naming the key path', async () => {
    const e = await failure(run({ outer: { __return_tag: 'nope', v: 1 } }));
    expect(e.code).toBe('PB_ERR_RETURN_TAG_MISSING');
    expect(e.location?.keyPath).toBe('outer.__return_tag');
    expect(e.location?.file).toBe('/blocks/demo.yaml');
    expect(e.message).toContain('nope');
  });

  it('treats a key that stored nothing as missing', async () => {
    const e = await failure(run({ __return_tag: 'set x', 'set x': 1 }));
    expect(e.code).toBe('PB_ERR_RETURN_TAG_MISSING');
  });
});

describe('processBlock: run lists without external runners', () => {
  it('stores a copy of pipe data plus __duration and __start_time', async () => {
    const { services, clock } = pureServices();
    const start = clock.now();
    const { result, pipeData } = await processMapping({ run: [{ set: { a: 1, 'b.c': 2 } }, { cd: 'sub' }] }, { services, inputData: { args: [] } });
    expect(result).toEqual({ run: { args: [], a: 1, b: { c: 2 }, __duration: 0, __start_time: start / 1000 } });
    expect(pipeData).toEqual({ args: [], a: 1, b: { c: 2 } });
  });

  it('rejects an item that is not exactly one of script/shell/set/cd, with its location', async () => {
    const e = await failure(run({ run: [{ set: { a: 1 } }, { bogus: 1 }] }));
    expect(e.code).toBe('PB_ERR_VALIDATION');
    expect(e.location?.keyPath).toBe('run[1]');
  });

  it('stops before the next item when aborted', async () => {
    const { services } = pureServices();
    const ac = new AbortController();
    ac.abort();
    const e = await failure(processMapping({ run: [{ set: { a: 1 } }] }, { services, signal: ac.signal }));
    expect(e.code).toBe('PB_ERR_ABORTED');
  });
});
