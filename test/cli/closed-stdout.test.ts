/**
 * A closed stdout (`procblock … | head -1`) ends a command quietly with exit 0 (docs/cli.md):
 * no unhandled EPIPE, no stack. Each case writes far more than a pipe buffers, and the test
 * closes its end of the real pipe after the first chunk, so the write is cut off mid-way.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, repoRoot, runCli, tempDir } from '../helpers/cli.js';

const fx = (name: string): string => path.join(repoRoot, 'test', 'fixtures', 'cli', name);
const rrdMain = path.join(repoRoot, 'dist', 'cli', 'rrd-main.js');
const tmp = tempDir('procblock-epipe-');
const rrd = path.join(tmp.dir, 'big.rrd');
afterAll(() => tmp.cleanup());

beforeAll(async () => {
  // 20,000 rows: `rrd dump` writes over a megabyte of XML, `rrd fetch` 15,000 lines; a pipe buffers 64 KiB.
  const r = await runCli(['rrd', 'create', rrd, '--step', '1', '--start', '1000000000', 'DS:a:GAUGE:10:U:U', 'RRA:AVERAGE:0.5:1:20000']);
  expect(r.code, r.stderr).toBe(0);
});

interface Closed {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  received: number;
}

/** Run `node args…`, read the first chunk of its stdout, then close the pipe's reading end. */
function closeAfterFirstChunk(args: readonly string[]): Promise<Closed> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let received = 0;
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.once('data', (d: Buffer) => {
      received = d.length;
      child.stdout.destroy();
    });
    child.on('close', (code, signal) => resolve({ code, signal, stderr, received }));
  });
}

function expectQuietEnd(r: Closed): void {
  expect(r.received).toBeGreaterThan(0);
  expect(r.signal).toBeNull();
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).not.toMatch(/EPIPE|Unhandled|Error|error/);
}

describe('a closed stdout ends the command quietly (exit 0)', () => {
  it('procblock rrd dump f.rrd | head -1', async () => {
    expectQuietEnd(await closeAfterFirstChunk([cliPath, 'rrd', 'dump', rrd]));
  });

  it('procblock rrd fetch f.rrd … | head', async () => {
    expectQuietEnd(await closeAfterFirstChunk([cliPath, 'rrd', 'fetch', rrd, '--start', '1000000000', '--end', '1000015000']));
  });

  it('node dist/cli/rrd-main.js dump f.rrd | head -1', async () => {
    expectQuietEnd(await closeAfterFirstChunk([rrdMain, 'dump', rrd]));
  });

  it('the result of a one-shot block', async () => {
    expectQuietEnd(await closeAfterFirstChunk([cliPath, '--quiet', '--state-dir', path.join(tmp.dir, 's1'), fx('big-result.yaml')]));
  });

  it('the first result of a long-running block: it stops gracefully, as after Ctrl-C', async () => {
    const r = await closeAfterFirstChunk([cliPath, '--state-dir', path.join(tmp.dir, 's2'), fx('big-result-long.yaml')]);
    expect(r.received).toBeGreaterThan(0);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Stopping \(stdout closed\)/);
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled/);
  });
});
