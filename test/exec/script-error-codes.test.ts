/**
 * A script can fail with one of procblock's own codes by throwing an error whose `code` is that
 * code (the blocks/ collectors do, off Linux); any other code stays PB_ERR_SCRIPT_THROW. Real
 * worker threads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, ProcblockError, RuntimeFailure } from '../../dist/core/errors.js';
import { createScriptRunner, type ScriptRunner } from '../../dist/exec/index.js';
import type { Unidist } from '../../dist/unidist/types.js';
import { call, FIXTURES, recordingLogger } from './run-helpers.js';

async function failure(runner: ScriptRunner, code: unknown): Promise<ProcblockError> {
  const e = await runner.run(call('throws-coded.ts', { pipeData: { code } })).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ProcblockError);
  return e as ProcblockError;
}

describe('coded errors thrown by scripts', () => {
  let runner: ScriptRunner;
  beforeAll(() => {
    runner = createScriptRunner({ unidist: {} as Unidist, logger: recordingLogger().logger, maxThreads: 1, cacheDir: false });
  });
  afterAll(() => runner.close());

  it('a procblock code is kept, with the class of its exit status, the script named and the cause', async () => {
    const platform = await failure(runner, 'PB_ERR_UNSUPPORTED_PLATFORM');
    expect(platform.code).toBe('PB_ERR_UNSUPPORTED_PLATFORM');
    expect(platform).toBeInstanceOf(RuntimeFailure);
    expect(platform.exitCode).toBe(1);
    expect(platform.message).toContain(FIXTURES + 'throws-coded.ts');
    expect((platform.cause as Error).message).toBe('failing with PB_ERR_UNSUPPORTED_PLATFORM');

    const input = await failure(runner, 'PB_ERR_FILE_NOT_FOUND');
    expect(input.code).toBe('PB_ERR_FILE_NOT_FOUND');
    expect(input).toBeInstanceOf(InputError);
    expect(input.exitCode).toBe(2);
  });

  it('any other code (a Node errno, an unknown PB_ERR_ name, a non-string) is PB_ERR_SCRIPT_THROW', async () => {
    for (const code of ['ENOENT', 'PB_ERR_NO_SUCH_CODE', 42, 'constructor']) {
      expect((await failure(runner, code)).code).toBe('PB_ERR_SCRIPT_THROW');
    }
  });
});
