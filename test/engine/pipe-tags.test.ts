import { describe, expect, it } from 'vitest';
import { ProcblockError } from '../../src/core/errors.js';
import { processMapping } from '../../src/engine/process-block.js';
import { pureServices } from './helpers.js';

async function run(data: Record<string, unknown>, inputData: Record<string, unknown> = {}) {
  const { services } = pureServices();
  return processMapping(data, { services, inputData });
}

describe('set / list add / list del / increment / decrement', () => {
  it('set stores a copy of the value in pipe data and nothing in the result', async () => {
    const { result, pipeData } = await run({ 'set cfg': { a: [1, 2] }, 'set server.port': 8080 });
    expect(result).toEqual({});
    expect(pipeData).toEqual({ cfg: { a: [1, 2] }, server: { port: 8080 } });
    expect(Object.isFrozen(pipeData.cfg)).toBe(false);
  });

  it('set copies a mapping value as data (its keys are not processed)', async () => {
    const { pipeData } = await run({ 'set cfg': { 'set inner': 1 } });
    expect(pipeData).toEqual({ cfg: { 'set inner': 1 } });
  });

  it('set through a scalar fails with the key path', async () => {
    const e = (await run({ 'set a.b': 1 }, { a: 'text' }).catch((err: unknown) => err)) as ProcblockError;
    expect(e.code).toBe('PB_ERR_RUNTIME');
    expect(e.location?.keyPath).toBe('set a.b');
  });

  it('list add creates and appends; list del removes every deep-equal element', async () => {
    const { pipeData } = await run(
      {
        'list add hosts': 'web3',
        step2: { 'list del hosts': 'web1', 'list add pairs': { a: 1 } },
        step3: { 'list del pairs': { a: 1 }, 'list del absent': 1 },
      },
      { hosts: ['web1', 'web2', 'web1'], pairs: [{ a: 1 }, { a: 2 }] },
    );
    expect(pipeData.hosts).toEqual(['web2', 'web3']);
    expect(pipeData.pairs).toEqual([{ a: 2 }]);
    expect(pipeData).not.toHaveProperty('absent');
  });

  it('list add on a non-list fails', async () => {
    const e = (await run({ 'list add x': 1 }, { x: 5 }).catch((err: unknown) => err)) as ProcblockError;
    expect(e.code).toBe('PB_ERR_RUNTIME');
  });

  it('increment defaults to 1 from 0, decrement subtracts, numeric strings count', async () => {
    const { pipeData } = await run(
      { 'increment hits': null, 'increment level': 3, 'decrement left': 2, nested: { 'increment hits': 1 } },
      { level: '7' },
    );
    expect(pipeData).toEqual({ hits: 2, level: 10, left: -2 });
  });

  it('increment with a non-number fails as invalid input', async () => {
    const e = (await run({ 'increment x': 'lots' }).catch((err: unknown) => err)) as ProcblockError;
    expect(e.code).toBe('PB_ERR_VALIDATION');
    expect(e.location?.keyPath).toBe('increment x');
  });

  it('accepts the underscore spellings', async () => {
    const { pipeData } = await run({ 'list_add xs': 1, 'list_del xs': 2 }, { xs: [2] });
    expect(pipeData.xs).toEqual([1]);
  });
});
