import { describe, expect, it } from 'vitest';
import { ProcblockError } from '../../src/core/errors.js';
import { processMapping } from '../../src/engine/process-block.js';
import { pureServices } from './helpers.js';

async function run(data: Record<string, unknown>, inputData: Record<string, unknown> = {}) {
  const { services } = pureServices();
  return processMapping(data, { services, inputData, file: '/b/cond.yaml' });
}

const chain = {
  'if host == "web1"': { role: 'frontend' },
  'elif host in web_hosts': { role: 'web' },
  else: { role: 'other' },
};

describe('if / elif / else', () => {
  it.each([
    ['web1', 'frontend'],
    ['web2', 'web'],
    ['db1', 'other'],
  ])('takes exactly one branch of a sibling chain (host=%s → %s)', async (host, role) => {
    const { result } = await run(chain, { host, web_hosts: ['web1', 'web2'] });
    expect(result).toEqual({ role });
  });

  it('merges a taken branch into the level, overriding plain siblings', async () => {
    const { result } = await run({ role: 'none', keep: 1, 'if on == true': { role: 'on', extra: { x: 1 } } }, { on: true });
    expect(result).toEqual({ role: 'on', keep: 1, extra: { x: 1 } });
  });

  it('stores nothing for a false if without else', async () => {
    const { result } = await run({ a: 1, 'if missing == 1': { b: 2 } });
    expect(result).toEqual({ a: 1 });
  });

  it("honours the original's inner else", async () => {
    const block = { 'if level > 5': { alert: true, else: { alert: false } } };
    expect((await run(block, { level: '7' })).result).toEqual({ alert: true });
    expect((await run(block, { level: '3' })).result).toEqual({ alert: false });
  });

  it('uses an inner else as the fallback of a chain with sibling elifs', async () => {
    const block = { 'if n == 1': { v: 'one', else: { v: 'many' } }, 'elif n == 2': { v: 'two' } };
    expect((await run(block, { n: 2 })).result).toEqual({ v: 'two' });
    expect((await run(block, { n: 3 })).result).toEqual({ v: 'many' });
  });

  it('nests conditions and processes tags inside the taken branch only', async () => {
    const block = {
      'if a == 1': { 'set took': 'a1', 'if b == 2': { both: true }, else: { 'set took': 'else' } },
    };
    const taken = await run(block, { a: 1, b: 2 });
    expect(taken.result).toEqual({ both: true });
    expect(taken.pipeData.took).toBe('a1');
    const notTaken = await run(block, { a: 0 });
    expect(notTaken.result).toEqual({});
    expect(notTaken.pipeData.took).toBe('else');
  });

  it('keeps separate chains independent', async () => {
    const block = { 'if x == 1': { a: 1 }, else: { a: 0 }, 'if y == 1': { b: 1 }, 'elif y == 2': { b: 2 } };
    expect((await run(block, { x: 1, y: 2 })).result).toEqual({ a: 1, b: 2 });
  });

  it('rejects a chain with both an inner and a sibling else', async () => {
    const e = await run({ 'if x == 1': { else: {} }, else: {} }).catch((err: unknown) => err);
    expect((e as ProcblockError).code).toBe('PB_ERR_VALIDATION');
  });

  it('rejects an else with no if before it, naming the key', async () => {
    const e = await run({ x: 1, else: { a: 1 } }).catch((err: unknown) => err);
    expect((e as ProcblockError).code).toBe('PB_ERR_VALIDATION');
    expect((e as ProcblockError).location?.keyPath).toBe('else');
  });

  it('reports a malformed condition with its key path', async () => {
    const e = await run({ nested: { 'if x': { a: 1 } } }).catch((err: unknown) => err);
    expect((e as ProcblockError).code).toBe('PB_ERR_CONDITION_SYNTAX');
    expect((e as ProcblockError).location?.keyPath).toBe('nested.if x');
  });
});
