/**
 * The blocks/ collectors as users meet them, through the real CLI: their own command lines
 * (`--help`, `--check`), importing them into a block in another folder (the import story), and
 * the coded errors for a non-Linux system and bad parameters.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cliPath, repoRoot, runCli, startCli, tempDir, type CliResult } from '../helpers/cli.js';
import { BLOCKS } from './harness.js';
import { onlineCpus } from './system-readings.js';

const COLLECTORS = ['cpu', 'load', 'memory', 'disk_space', 'disk_io', 'network', 'system'];
const tmp = tempDir('pb-blocks-cli-');
/** Processes this file started: a test that fails half-way must not leave a monitor running. */
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  tmp.cleanup();
});

describe('each collector block', () => {
  it('system.yaml (which imports the six others) passes --check', async () => {
    const check = await runCli(['--check', path.join(BLOCKS, 'system.yaml')]);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout.trim()).toBe('ok');
  });

  it.each(COLLECTORS)('%s.yaml prints its usage with --help', async (name) => {
    const help = await runCli([path.join(BLOCKS, `${name}.yaml`), '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Name: /m);
    for (const opt of ['--interval', '--datadir', '--graph_interval', '--procfs']) expect(help.stdout).toContain(opt);
  });

  it('gives an importing block the same defaults as its own command line', () => {
    for (const name of COLLECTORS) {
      const doc = parse(readFileSync(path.join(BLOCKS, `${name}.yaml`), 'utf8')) as Record<string, unknown>;
      const usage = doc.__usage as { options: Record<string, { default?: unknown }> };
      for (const [key, value] of Object.entries(doc)) {
        const m = /^if (\w+) is empty$/.exec(key);
        if (!m) continue;
        const setValue = (value as Record<string, unknown>)[`set ${m[1]}`];
        expect(String(setValue), `${name}.yaml: ${m[1]}`).toBe(String(usage.options[m[1] as string]?.default));
      }
    }
  });
});

describe('importing collectors into a block in another folder (the real CLI)', () => {
  it("runs them with the importer's parameters, scripts from blocks/, data beside the importer", async () => {
    const user = path.join(tmp.dir, 'my-monitor');
    mkdirSync(path.join(user, 'node_modules'), { recursive: true });
    // As after `npm install procblock`: the package under node_modules.
    symlinkSync(repoRoot, path.join(user, 'node_modules', 'procblock'), 'dir');
    writeFileSync(
      path.join(user, 'monitor.yaml'),
      [
        '__usage: {name: my monitor, longrunning: true}',
        'set interval: 1',
        'set datadir: data',
        "set net_exclude: '^ifb'",
        '__import__cpu: node_modules/procblock/blocks/cpu.yaml',
        '__import__network: node_modules/procblock/blocks/network.yaml',
        '# One collector at its own interval: set it in the mapping that holds the import.',
        'slow:',
        '  set interval: 2',
        '  __import__disks: node_modules/procblock/blocks/disk_space.yaml',
        '',
      ].join('\n'),
    );
    // Started from another folder: relative data paths follow the block, not the shell.
    const p = startCli(['--log-level', 'debug', path.join(user, 'monitor.yaml')], { cwd: repoRoot });
    children.push(p.child);
    // Under load a tick can run late and skip a slot; a rate needs samples one interval apart.
    // Wait (on the collector's log lines) for three consecutive slots: the step between the
    // first and the last is then a complete, known rate in the file.
    await p.waitFor(threeConsecutive(/sample written \{"file":"[^"]*\/data\/cpu\.rrd","time":([0-9.]+)/g, 1), 'stderr');
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code, r.stderr).toBe(0);

    const result = JSON.parse(r.stdout) as Record<string, Record<string, Record<string, unknown>>>;
    const cpuRun = result.cpu?.run as Record<string, unknown>;
    expect(cpuRun['run_thread.cpu']).toMatchObject({ intervalSeconds: 1, scripts: ['cpu.ts'] });
    expect(typeof cpuRun.cpu_user).toBe('number');
    const disksRun = (result.slow?.disks as Record<string, Record<string, unknown>>).run as Record<string, unknown>;
    expect(disksRun['run_thread.disk_space']).toMatchObject({ intervalSeconds: 2 });

    const data = readdirSync(path.join(user, 'data'));
    for (const f of ['cpu.rrd', 'cpu.png', 'network-lo.rrd', 'network-lo.png', 'disk_space-root.rrd', 'disk_space-root.png']) expect(data, f).toContain(f);
    expect(data.filter((f) => f.startsWith('network-ifb'))).toEqual([]);
    // Nothing was written into the library's folder.
    expect(readdirSync(BLOCKS, { recursive: true }).filter((f) => /\.(rrd|png)$/.test(String(f)))).toEqual([]);

    // The file holds rates (procblock rrd fetch, as a user would look).
    const cpuRrd = path.join(user, 'data', 'cpu.rrd');
    const last = (await runCli(['rrd', 'last', cpuRrd])).stdout.trim();
    const fetched = await runCli(['rrd', 'fetch', cpuRrd, '--end', last, '--start', 'end-120', '--format', 'json']);
    expect(fetched.code, fetched.stderr).toBe(0);
    const rows = (JSON.parse(fetched.stdout) as { rows: { values: Record<string, number | null> }[] }).rows;
    const known = rows.filter((row) => row.values.cpu_user !== null);
    expect(known.length).toBeGreaterThan(0);
    // A rate in % of one CPU (at most 100 × CPUs, with room for ticks that ran late under
    // load), not a tick total (uptime × 100 × CPUs). Exact rates: collectors.test.ts.
    for (const row of known) {
      expect(row.values.cpu_user as number).toBeGreaterThanOrEqual(0);
      expect(row.values.cpu_user as number).toBeLessThan(1000 * onlineCpus());
    }
  }, 60_000);
});

/**
 * A matcher for `waitFor`: true once the times captured by `re` hold three values `interval`
 * apart in a row (ticks on consecutive slots).
 */
function threeConsecutive(re: RegExp, interval: number): RegExp {
  return {
    test: (text: string): boolean => {
      const times = [...text.matchAll(re)].map((m) => Number(m[1]));
      return times.some((t, i) => i >= 2 && Math.abs(t - (times[i - 1] as number) - interval) < 1e-6 && Math.abs((times[i - 1] as number) - (times[i - 2] as number) - interval) < 1e-6);
    },
  } as RegExp;
}

describe('coded errors', () => {
  /** The CLI with a module preloaded into it and its worker threads. */
  function runWithPreload(preload: string, args: string[]): Promise<CliResult> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['-r', preload, cliPath, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
  }

  it('off Linux: PB_ERR_UNSUPPORTED_PLATFORM, exit 1, nothing on stdout, no files', async () => {
    const datadir = path.join(tmp.dir, 'darwin');
    const r = await runWithPreload(path.join(repoRoot, 'test/fixtures/blocks/fake-platform.cjs'), [path.join(BLOCKS, 'load.yaml'), '--datadir', datadir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[PB_ERR_UNSUPPORTED_PLATFORM\]/);
    expect(r.stderr).toContain('darwin');
    expect(r.stdout).toBe('');
    expect(existsSync(datadir)).toBe(false);
  });

  it('a procfs path that is not one: PB_ERR_FILE_NOT_FOUND naming the file, exit 2', async () => {
    const r = await runCli([path.join(BLOCKS, 'memory.yaml'), '--datadir', path.join(tmp.dir, 'x'), '--procfs', path.join(tmp.dir, 'no-proc')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[PB_ERR_FILE_NOT_FOUND\]/);
    expect(r.stderr).toContain(path.join(tmp.dir, 'no-proc', 'meminfo'));
  });

  it('an exclusion that is not a regular expression: PB_ERR_VALIDATION, exit 2', async () => {
    const r = await runCli([path.join(BLOCKS, 'network.yaml'), '--datadir', path.join(tmp.dir, 'y'), '--net_exclude', '(']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[PB_ERR_VALIDATION\]/);
    expect(r.stderr).toContain('net_exclude');
  });
});
