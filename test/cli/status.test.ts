/* eslint-disable no-control-regex -- terminal escape sequences are what these tests check */
/**
 * Issue 7 point 5 through the real CLI: the status file a long-running block keeps, `procblock
 * status` (also for a daemon), plain status lines when stderr is not a terminal, the status line
 * on a pseudo-terminal (util-linux `script`), overrun and repeated-error warnings, and the
 * per-thread summary at stop. Synchronised on output and on file events, never on sleeps.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StatusFileContent } from '../../src/runtime/status-file.js';
import { cliPath, killLeftover, runCli, startCli, tempDir } from '../helpers/cli.js';
import { requireSystemTool } from '../helpers/system-tool.js';

const tmp = tempDir('procblock-status-');
/** Pidfiles of daemons a test started: a test that fails half-way must not leave one running. */
const daemonPidFiles: string[] = [];
afterAll(() => {
  for (const f of daemonPidFiles) {
    let pid: number;
    try {
      pid = Number(readFileSync(f, 'utf8'));
    } catch {
      continue; // stopped by the test (its pidfile removed), or never started
    }
    killLeftover(pid, tmp.dir);
  }
  tmp.cleanup();
});
let n = 0;

/** A folder with a long-running block of one RunThread running `script` every `every` seconds. */
function monitor(script: string, every = 0.1, extra = ''): { dir: string; block: string; stateDir: string } {
  const dir = path.join(tmp.dir, `m${++n}`);
  mkdirSync(path.join(dir, 'state'), { recursive: true });
  writeFileSync(path.join(dir, 'work.mjs'), script);
  const block = path.join(dir, 'mon.yaml');
  writeFileSync(
    block,
    `__usage:\n  name: Monitor ${n}\n  longrunning: true\n${extra}run:\n  - script: work.mjs\n    cache: ${every}\n    thread_id: work\n` +
      `    timeseries collect: {path: work.rrd, interval: 1, fields: {v: {type: GAUGE}}}\n`,
  );
  return { dir, block, stateDir: path.join(dir, 'state') };
}

const COUNTER = 'let n = 0;\nexport const processBlock = () => ({ v: ++n });\n';

function readStatus(stateDir: string): StatusFileContent | undefined {
  try {
    return JSON.parse(readFileSync(path.join(stateDir, 'status.json'), 'utf8')) as StatusFileContent;
  } catch {
    return undefined;
  }
}

/** Resolve with the status file once `ok` holds for it (checked on every change of the folder). */
function statusWhen(stateDir: string, ok: (s: StatusFileContent) => boolean): Promise<StatusFileContent> {
  return new Promise((resolve) => {
    const check = (): boolean => {
      const s = readStatus(stateDir);
      if (s === undefined || !ok(s)) return false;
      w.close();
      resolve(s);
      return true;
    };
    const w = watch(stateDir, () => void check());
    check();
  });
}

describe('status file and procblock status', () => {
  it('while running: the file holds live counts; procblock status reports them (exit 0); after the stop exit 3', async () => {
    const m = monitor(COUNTER);
    const p = startCli(['--state-dir', m.stateDir, m.block]);
    const live = await statusWhen(m.stateDir, (s) => (s.threads[0]?.samples ?? 0) >= 3);
    expect(live).toMatchObject({ format: 1, pid: p.child.pid, block: m.block, name: `Monitor ${n}`, state: 'running' });
    expect(live.threads[0]).toMatchObject({ id: 'work', script: 'work.mjs', intervalSeconds: 0.1, running: true, errors: 0 });
    expect(live.threads[0]?.lastSample).toBeTypeOf('number');
    expect(live.totals.runs).toBeGreaterThanOrEqual(3);

    const text = await runCli(['status', '--state-dir', m.stateDir, m.block]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^Monitor ${n} \\(${m.block}\\): running, pid ${p.child.pid}`));
    expect(text.stdout).toMatch(/^ {2}work +0\.1s +\d+ +0 +\d+ +\d+ +0 /m);
    const json = await runCli(['status', '--format', 'json', '--state-dir', m.stateDir, m.block]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ alive: true, state: 'running', threads: [{ id: 'work' }] });

    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code).toBe(0);
    const final = readStatus(m.stateDir);
    expect(final?.state).toBe('stopped');
    // The per-thread summary at stop matches the final counts.
    const t = final?.threads[0];
    expect(r.stderr).toContain(`RunThread work: ${t?.runs} run(s), ${t?.errors} error(s), ${t?.skipped} skipped, ${t?.samples} sample(s), ${t?.renders} graph render(s)`);
    const after = await runCli(['status', '--state-dir', m.stateDir, m.block]);
    expect(after.code).toBe(3);
    expect(after.stdout).toMatch(/not running: stopped/);
  });

  it('a block never run here: exit 3 naming the file looked for; bad usage: exit 2', async () => {
    const m = monitor(COUNTER);
    const r = await runCli(['status', m.block]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(path.join(m.dir, '.procblock', 'mon', 'state', 'status.json'));
    expect((await runCli(['status'])).code).toBe(2);
    expect((await runCli(['status', '--bogus', m.block])).code).toBe(2);
  });

  it('a daemon: procblock status reads its status file', async () => {
    const m = monitor(COUNTER, 0.2, '  daemon: true\n');
    daemonPidFiles.push(path.join(m.dir, 'mon.pid'));
    const start = await runCli(['--state-dir', m.stateDir, m.block]);
    expect(start.code).toBe(0);
    await statusWhen(m.stateDir, (s) => s.totals.runs >= 2);
    const r = await runCli(['status', '--state-dir', m.stateDir, m.block]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/: running, pid \d+/);
    expect((await runCli(['--stop', m.block])).code).toBe(0);
    expect(readStatus(m.stateDir)?.state).toBe('stopped');
    expect((await runCli(['status', '--state-dir', m.stateDir, m.block])).code).toBe(3);
  });
});

describe('feedback on stderr', () => {
  it('not a terminal: plain status lines at --status-interval', async () => {
    const m = monitor(COUNTER);
    const p = startCli(['--status-interval', '0.2', '--state-dir', m.stateDir, m.block]);
    // Two status lines (ticks may be skipped on a loaded machine: any count is fine).
    await p.waitFor(/status: 1 thread, \d+ runs?, \d+ errors?, \d+ skipped, last sample \d+s ago\n[\s\S]*status: 1 thread/, 'stderr');
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('\x1b[K');
  });

  it('a tick that overruns its interval is warned about', async () => {
    // The script itself is slow (the system under test), not the test.
    const m = monitor('export const processBlock = async () => { await new Promise((r) => setTimeout(r, 350)); return { v: 1 }; };\n', 0.1);
    const p = startCli(['--state-dir', m.stateDir, m.block]);
    await p.waitFor(/RunThread work: a tick overran its 0\.1 s interval/, 'stderr');
    p.child.kill('SIGINT');
    expect((await p.done).code).toBe(0);
  });

  it('a thread failing again and again is warned about; the summary counts the errors', async () => {
    const m = monitor("let n = 0;\nexport const processBlock = () => { if (++n > 1) throw new Error('disk gone'); return { v: 1 }; };\n");
    const p = startCli(['--state-dir', m.stateDir, m.block]);
    await p.waitFor(/RunThread work has failed 3 ticks in a row \(last: .*disk gone\)/, 'stderr');
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code).toBe(0);
    const errors = /RunThread work: \d+ run\(s\), (\d+) error\(s\)/.exec(r.stderr)?.[1];
    expect(Number(errors)).toBeGreaterThanOrEqual(3);
  });

  const haveScript = requireSystemTool('script', ['--version'], 'the pseudo-terminal status line test');
  it.runIf(haveScript)('a terminal: a status line redrawn in place, log lines above it, cleared at the end', async () => {
    const m = monitor(COUNTER);
    // `exec`: procblock is the terminal's only process, so the Ctrl-C reaches it alone (a shell
    // left waiting, such as dash, would die of the SIGINT itself and report 130).
    const cmd = 'exec ' + [process.execPath, cliPath, '--status-interval', '0.2', '--state-dir', m.stateDir, m.block].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-q', '-e', '-c', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, COLUMNS: '100', SHELL: '/bin/sh' } });
    let out = '';
    const seen = new Promise<void>((resolve) => {
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        // Two redraws of the line, the second with runs counted.
        if (/\r\x1b\[Kprocblock: 1 thread, [1-9]\d* runs?, 0 errors[^\n]*\r\x1b\[Kprocblock: 1 thread, [2-9]\d* runs/.test(out)) resolve();
      });
    });
    await seen;
    child.stdin.write('\x03'); // Ctrl-C through the terminal
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    // Log lines after the Ctrl-C are written over a cleared line, and the last thing written clears it.
    expect(out).toMatch(/\r\x1b\[K\d\d:\d\d:\d\d info {2}\[procblock\] SIGINT received/);
    expect(out).toMatch(/RunThread work: \d+ run\(s\)/);
    expect(out.endsWith('\r\x1b[K')).toBe(true);
    expect(existsSync(path.join(m.stateDir, 'status.json'))).toBe(true);
  });
});
