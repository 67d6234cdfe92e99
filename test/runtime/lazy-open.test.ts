/**
 * What the runtime opens only on first use (start-up work the first result does not need):
 * unidist (and with it the state folder) and the shell runner.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lazyUnidist } from '../../src/runtime/deferred-unidist.js';
import { LazyShellRunner } from '../../src/runtime/lazy-shell-runner.js';
import { createUnidist, type Unidist } from '../../src/unidist/index.js';
import { repoRoot, runCli, tempDir } from '../helpers/cli.js';

const fx = (name: string): string => path.join(repoRoot, 'test', 'fixtures', 'cli', name);
const tmp = tempDir('procblock-lazy-');
afterAll(() => tmp.cleanup());

describe('lazyUnidist', () => {
  it('is not opened by close() or flush() alone', async () => {
    let opened = 0;
    const u = lazyUnidist(async () => {
      opened++;
      return createUnidist();
    });
    await u.flush();
    await u.close();
    expect(opened).toBe(0);
  });

  it('opens once on first use, for concurrent first calls too, and closes what it opened', async () => {
    let opened = 0;
    let real: Unidist | undefined;
    const u = lazyUnidist(async () => {
      opened++;
      real = await createUnidist();
      return real;
    });
    const [a, b] = await Promise.all([u.counter.increment('n'), u.counter.increment('n')]);
    expect([a, b].sort()).toEqual([1, 2]);
    expect(opened).toBe(1);
    await u.close();
    await expect(real?.counter.get('n')).rejects.toMatchObject({ code: 'PB_ERR_CLOSED' });
    await expect(u.counter.get('n')).rejects.toMatchObject({ code: 'PB_ERR_CLOSED' });
  });

  it('a failure to open is the error of the calls', async () => {
    const u = lazyUnidist(async () => createUnidist({ stateDir: '' }));
    await expect(u.counter.get('n')).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
  });

  it('after close() without use, a call fails with PB_ERR_CLOSED instead of opening', async () => {
    let opened = 0;
    const u = lazyUnidist(async () => {
      opened++;
      return createUnidist();
    });
    await u.close();
    await expect(u.counter.increment('n')).rejects.toMatchObject({ code: 'PB_ERR_CLOSED' });
    expect(opened).toBe(0);
  });
});

describe('LazyShellRunner', () => {
  it('closing an unused runner loads nothing; running after close fails with PB_ERR_CLOSED', async () => {
    const shell = new LazyShellRunner();
    await shell.close(100);
    await expect(shell.run({ command: 'true', cwd: tmp.dir })).rejects.toMatchObject({ code: 'PB_ERR_CLOSED' });
  });

  it('runs a command on first use', async () => {
    const shell = new LazyShellRunner();
    try {
      const r = await shell.run({ command: 'echo hi', cwd: tmp.dir });
      expect(r).toMatchObject({ exitCode: 0, stdout: 'hi\n' });
    } finally {
      await shell.close(1000);
    }
  });
});

describe('the state folder through the CLI', () => {
  it('a one-shot block that never uses unidist does not create its state folder', async () => {
    const state = path.join(tmp.dir, 'unused-state');
    const r = await runCli(['--quiet', '--state-dir', state, fx('ok.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(state)).toBe(false);
  });

  it('a block that uses unidist persists into it as before', async () => {
    const state = path.join(tmp.dir, 'used-state');
    const r = await runCli(['--quiet', '--state-dir', state, fx('concurrency.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(state)).toContain('snapshot.json');
    const u = await createUnidist({ stateDir: state });
    try {
      expect(await u.counter.get('hits')).toBeGreaterThan(0);
    } finally {
      await u.close();
    }
  });
});
