/**
 * Issue 7 point 9: what the README says about `npm start` and Ctrl-C. A graceful stop under npm
 * is reported by npm as 130; the direct command exits 0. A package of its own runs a small
 * long-running block with `npm start`; Ctrl-C is a SIGINT to the whole process group, as a
 * terminal sends it.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath, startCli, tempDir } from '../helpers/cli.js';
import { requireSystemTool } from '../helpers/system-tool.js';

const tmp = tempDir('procblock-npm-start-');
afterAll(() => tmp.cleanup());
writeFileSync(path.join(tmp.dir, 'tick.mjs'), 'let n = 0;\nexport const processBlock = () => ({ n: ++n });\n');
writeFileSync(path.join(tmp.dir, 'block.yaml'), '__usage:\n  name: Ticker\n  longrunning: true\nrun:\n  - script: tick.mjs\n    cache: 0.2\n');
writeFileSync(
  path.join(tmp.dir, 'package.json'),
  JSON.stringify({ name: 'npm-start-check', version: '1.0.0', private: true, scripts: { start: `node ${JSON.stringify(cliPath)} block.yaml` } }),
);

const haveNpm = requireSystemTool('npm', ['--version'], 'the npm start test');

describe('Ctrl-C', () => {
  it.runIf(haveNpm)('under npm start: procblock stops gracefully, npm reports 130', async () => {
    const npm = spawn('npm', ['start', '--silent'], { cwd: tmp.dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    npm.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const started = new Promise<void>((resolve) => {
      npm.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (/"run_thread\.tick"/.test(out) && /\n\}\n/.test(out)) resolve();
      });
    });
    // npm passes the Ctrl-C on, waits for procblock, then ends itself by the same signal; a
    // shell reports a death by signal N as 128 + N: 130 for SIGINT.
    const closed = new Promise<number | null>((resolve) =>
      npm.on('close', (code, signal) => resolve(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : null))),
    );
    await started;
    process.kill(-(npm.pid as number), 'SIGINT'); // the terminal's Ctrl-C: the whole process group
    expect(await closed).toBe(130);
    expect(err).toMatch(/SIGINT received: stopping gracefully/);
    expect(err).toMatch(/RunThread tick: \d+ run\(s\), 0 error\(s\)/);
  });

  it('the direct command exits 0 after the same Ctrl-C', async () => {
    const p = startCli([path.join(tmp.dir, 'block.yaml')], { cwd: tmp.dir });
    await p.waitFor(/\n\}\n/, 'stdout');
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/RunThread tick: \d+ run\(s\), 0 error\(s\)/);
  });
});
