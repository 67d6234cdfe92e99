/** Issue 7 point 7 through the real CLI: `rrd restore -` reads stdin; RRD errors name the path once. */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath, runCli, tempDir, type CliResult } from '../helpers/cli.js';

const tmp = tempDir('procblock-rrd-stdin-');
afterAll(() => tmp.cleanup());
const at = (name: string): string => path.join(tmp.dir, name);

function withStdin(args: readonly string[], input: string): Promise<CliResult> {
  const child = spawn(process.execPath, [cliPath, ...args], { cwd: tmp.dir, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

describe('procblock rrd restore -', () => {
  it('reads the dump XML from standard input: dump | restore - copies a file', async () => {
    expect((await runCli(['rrd', 'create', at('a.rrd'), '--step', '10', '--start', '1000', 'DS:v:GAUGE:20:U:U', 'RRA:AVERAGE:0.5:1:10'])).code).toBe(0);
    expect((await runCli(['rrd', 'update', at('a.rrd'), '1010:1', '1020:2', '1030:4'])).code).toBe(0);
    const dump = await runCli(['rrd', 'dump', at('a.rrd')]);
    expect(dump.code).toBe(0);
    const r = await withStdin(['rrd', 'restore', '-', 'b.rrd'], dump.stdout);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const fetch = (f: string): Promise<CliResult> => runCli(['rrd', 'fetch', at(f), '--start', '1000', '--end', '1030', '--format', 'json']);
    expect(JSON.parse((await fetch('b.rrd')).stdout)).toEqual(JSON.parse((await fetch('a.rrd')).stdout));
  });

  it('bad XML on stdin is an input error (exit 2)', async () => {
    const r = await withStdin(['rrd', 'restore', '-', 'c.rrd'], '<rrd><nonsense/>');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error\[PB_ERR_RRD_FORMAT\]/);
  });
});

describe('RRD errors', () => {
  it('name the file once', async () => {
    writeFileSync(at('garbage.rrd'), 'not an rrd file at all, but long enough to have a header maybe');
    const r = await runCli(['rrd', 'info', at('garbage.rrd')]);
    expect(r.code).toBe(2);
    expect(r.stderr.split(at('garbage.rrd')).length - 1).toBe(1);
    expect(r.stderr).toMatch(/^error\[PB_ERR_RRD_FORMAT\]: /);
  });
});
