import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from './run-helpers.js';

const runnerUrl = new URL('../../dist/exec/index.js', import.meta.url).href;
const loggerUrl = new URL('../../dist/core/logger.js', import.meta.url).href;

/** Run an ESM snippet in a fresh node process; resolves with its exit code and output. */
function runNode(code: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // The timeout only turns a hang into a failure (a process kept alive by the pool).
    execFile(process.execPath, ['--input-type=module', '-e', code], { timeout: 30_000, cwd: fileURLToPath(new URL('.', import.meta.url)) }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

describe('an idle script runner does not keep the process alive', () => {
  it('exits on its own after a call without close()', async () => {
    const r = await runNode(`
      import { createScriptRunner } from ${JSON.stringify(runnerUrl)};
      import { silentLogger } from ${JSON.stringify(loggerUrl)};
      const runner = createScriptRunner({ unidist: {}, logger: silentLogger, maxThreads: 2, minThreads: 2, cacheDir: false });
      const out = await runner.run({ script: ${JSON.stringify(FIXTURES + 'simple.ts')}, pipeData: { n: 1 }, block: null, requestState: {}, inputData: {}, tag: 'run', cwd: '/', env: {}, blockParent: {} });
      process.stdout.write(JSON.stringify(out.returned));
    `);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'ts', n: 2 });
  });

  it('exits promptly after close() and prints nothing a script logged to stdout', async () => {
    const r = await runNode(`
      import { createScriptRunner } from ${JSON.stringify(runnerUrl)};
      import { silentLogger } from ${JSON.stringify(loggerUrl)};
      const runner = createScriptRunner({ unidist: {}, logger: silentLogger, cacheDir: false });
      await runner.run({ script: ${JSON.stringify(FIXTURES + 'logs.ts')}, pipeData: {}, block: null, requestState: {}, inputData: {}, tag: 'run', cwd: '/', env: {}, blockParent: {} });
      await runner.close();
      process.stdout.write('done');
    `);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('done');
  });
});
