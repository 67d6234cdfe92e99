/** Blocks loaded from YAML by the real loader: paths resolve per file, errors name file:line. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBlock } from '../../dist/config/index.js';
import type { ProcblockError } from '../../dist/core/errors.js';
import { processBlock } from '../../dist/engine/index.js';
import { FIXTURES, realServices, type RealServices } from './real-services.js';

let real: RealServices;
beforeAll(async () => {
  real = await realServices({ maxThreads: 1 });
});
afterAll(async () => {
  await real.close();
});

describe('YAML blocks', () => {
  it('resolves an imported run item against the imported file\'s folder', async () => {
    const block = await loadBlock(path.join(FIXTURES, 'yaml', 'main.yaml'));
    const { result, pipeData } = await processBlock(block, { services: real.services });
    expect(pipeData).toMatchObject({ a: 2, b: 3, libSum: 5 });
    expect((result as { steps: { run: Record<string, unknown> } }).steps.run).toMatchObject({ libSum: 5 });
  });

  it('names the YAML file, line and key path of a failing run item', async () => {
    const file = path.join(FIXTURES, 'yaml', 'failing.yaml');
    const block = await loadBlock(file);
    const e = (await processBlock(block, { services: real.services }).catch((err: unknown) => err)) as ProcblockError;
    expect(e.code).toBe('PB_ERR_SCRIPT_THROW');
    expect(e.location).toMatchObject({ file, line: 5, keyPath: 'work.run[1]' });
  });
});
