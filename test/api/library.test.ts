/** The public library API, from the built package as a user imports it. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as procblock from '../../dist/index.js';
import { repoRoot, tempDir } from '../helpers/cli.js';

const fx = (name: string): string => path.join(repoRoot, 'test', 'fixtures', 'cli', name);

describe('library API', () => {
  it('runBlockFile runs a block file once with given input', async () => {
    const { result, pipeData } = await procblock.runBlockFile(fx('usage.yaml'), { inputData: { file: 'x', level: '9', args: ['x'] } });
    expect(result).toMatchObject({ big: true, run: { done: true, file: 'x' } });
    expect(pipeData).toMatchObject({ done: true, level: '9' });
  });

  it('runBlock runs an in-memory block with given pipe data; relative scripts resolve against its pseudo file', async () => {
    const pipeData = { seed: 1, args: ['a'] };
    const { result } = await procblock.runBlock(
      { 'increment seed': 2, run: [{ script: 'ok.mjs' }], 'if seed == 3': { three: true } },
      { pipeData, block: { file: fx('inline.yaml') } },
    );
    expect(result).toMatchObject({ three: true, run: { ok: true, seen: ['a'], seed: 3 } });
    expect(pipeData.seed).toBe(3); // the given object is the pipe data
  });

  it('errors are values with codes', async () => {
    await expect(procblock.runBlockFile(fx('missing-script.yaml'))).rejects.toMatchObject({ code: 'PB_ERR_SCRIPT_NOT_FOUND' });
    await expect(procblock.runBlock({ __return_tag: 'nope' })).rejects.toBeInstanceOf(procblock.RuntimeFailure);
  });

  it('createUnidist gives the same unidist API to library users, persisted when asked', async () => {
    const tmp = tempDir();
    try {
      const u = await procblock.createUnidist({ backend: 'memory', stateDir: tmp.dir });
      expect(await u.counter.increment('n', 5)).toBe(5);
      await u.queue.add('q', { a: 1 });
      await u.close();
      const again = await procblock.createUnidist({ backend: 'memory', stateDir: tmp.dir });
      expect(await again.counter.get('n')).toBe(5);
      expect(await again.queue.all('q')).toEqual([{ a: 1 }]);
      await again.close();
      await expect(procblock.createUnidist({ backend: 'nope' as 'memory' })).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
    } finally {
      tmp.cleanup();
    }
  });

  it('a shared unidist passed to the runtime is used by scripts', async () => {
    const u = await procblock.createUnidist();
    const rt = await procblock.Runtime.create({ unidist: u });
    try {
      const block = await procblock.loadBlock(fx('concurrency.yaml'));
      await rt.run(block);
      expect(await u.counter.get('hits')).toBe(4000);
    } finally {
      await rt.stop();
      await u.close();
    }
  });
});
