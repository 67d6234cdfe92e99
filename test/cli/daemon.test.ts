/**
 * Daemon mode through the real CLI (SPEC §4, docs/cli.md): the starting command returns only
 * once the daemon has written its pidfile and printed its first result, and otherwise fails
 * with the daemon's own error and exit code, on its own stderr.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killLeftover, repoRoot, runCli, startCli, tempDir } from '../helpers/cli.js';

const fx = (name: string): string => path.join(repoRoot, 'test', 'fixtures', 'cli', name);
const tmp = tempDir('procblock-daemon-');
const started = new Set<number>();
afterAll(() => {
  for (const pid of started) killLeftover(pid, tmp.dir); // only a failed test leaves one behind
  tmp.cleanup();
});

let n = 0;
/** A fresh folder holding copies of the given fixtures (pidfile and log go beside the block). */
function folder(...files: string[]): string {
  const dir = path.join(tmp.dir, `d${++n}`);
  mkdirSync(dir);
  for (const f of files) copyFileSync(fx(f), path.join(dir, f));
  return dir;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function startedPid(stderr: string): number {
  const m = /daemon pid (\d+)/.exec(stderr);
  if (!m) throw new Error(`no daemon pid in: ${stderr}`);
  const pid = Number(m[1]);
  started.add(pid);
  return pid;
}

describe('starting a daemon', () => {
  it('healthy: exits 0 once the pidfile is written and the first result printed; --stop ends it', async () => {
    const dir = folder('daemon.yaml', 'ticker.mjs');
    const block = path.join(dir, 'daemon.yaml');
    const start = await runCli(['--state-dir', path.join(dir, 'state'), block]);
    const pid = startedPid(start.stderr);
    expect(start.code, start.stderr).toBe(0);
    expect(start.stderr).toMatch(/started daemon pid \d+/);
    // No waiting here: both must already be true when the starting command has returned.
    expect(Number(readFileSync(path.join(dir, 'daemon.pid'), 'utf8'))).toBe(pid);
    expect(readFileSync(path.join(dir, 'daemon.log'), 'utf8')).toMatch(/"ticks": 1/);
    expect(alive(pid)).toBe(true);

    const stop = await runCli(['--stop', block]);
    expect(stop.code).toBe(0);
    expect(existsSync(path.join(dir, 'daemon.pid'))).toBe(false);
    expect(alive(pid)).toBe(false);
    expect(readFileSync(path.join(dir, 'daemon.log'), 'utf8')).toMatch(/SIGTERM received: stopping/);
  });

  it('already running (same pidfile): exits 1 with PB_ERR_ALREADY_RUNNING; the running one is untouched', async () => {
    const dir = folder('daemon.yaml', 'ticker.mjs');
    const block = path.join(dir, 'daemon.yaml');
    const first = await runCli(['--state-dir', path.join(dir, 'state'), block]);
    const pid = startedPid(first.stderr);
    expect(first.code, first.stderr).toBe(0);
    try {
      const second = await runCli(['--state-dir', path.join(dir, 'state'), block]);
      if (/daemon pid \d+/.test(second.stderr)) startedPid(second.stderr); // cleaned up if this start went wrong
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/error\[PB_ERR_ALREADY_RUNNING\]/);
      expect(second.stderr).not.toMatch(/started daemon/);
      expect(Number(readFileSync(path.join(dir, 'daemon.pid'), 'utf8'))).toBe(pid);
      expect(alive(pid)).toBe(true);
    } finally {
      expect((await runCli(['--stop', block])).code).toBe(0);
    }
  });

  it('already running (its state folder is held): the child fails, the parent exits 1 with the child’s error', async () => {
    // Another pidfile, so only the daemon child itself can find out, when it opens the state dir.
    const dir = folder('daemon.yaml', 'ticker.mjs');
    const block = path.join(dir, 'daemon.yaml');
    const state = path.join(dir, 'state');
    const first = await runCli(['--state-dir', state, block]);
    const pid = startedPid(first.stderr);
    expect(first.code, first.stderr).toBe(0);
    try {
      const other = path.join(dir, 'other.yaml');
      writeFileSync(other, readFileSync(block, 'utf8').replace('pidfile: daemon.pid', 'pidfile: other.pid'));
      const second = await runCli(['--state-dir', state, other]);
      const childPid = startedPid(second.stderr);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/error\[PB_ERR_ALREADY_RUNNING\]/);
      expect(second.stderr).toMatch(/error\[PB_ERR_DAEMON\]/);
      expect(alive(childPid)).toBe(false);
      expect(existsSync(path.join(dir, 'other.pid'))).toBe(false);
      expect(alive(pid)).toBe(true);
    } finally {
      expect((await runCli(['--stop', block])).code).toBe(0);
    }
  });

  it('first tick throws: exits 1 with the script error on stderr; no pidfile, no process left', async () => {
    const dir = folder('daemon-throws.yaml', 'first-tick-throws.mjs');
    const r = await runCli(['--state-dir', path.join(dir, 'state'), path.join(dir, 'daemon-throws.yaml')]);
    const pid = startedPid(r.stderr);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[PB_ERR_SCRIPT_THROW\]/);
    expect(r.stderr).toMatch(/the first tick failed on purpose/);
    expect(r.stderr).not.toMatch(/started daemon/);
    expect(alive(pid)).toBe(false);
    expect(existsSync(path.join(dir, 'daemon-throws.pid'))).toBe(false);
  });

  it('neither ready nor gone within --start-timeout: exits 1 with PB_ERR_DAEMON and stops the child', async () => {
    const dir = folder('daemon-hangs.yaml', 'ignores-signal.mjs');
    const r = await runCli(['--state-dir', path.join(dir, 'state'), '--start-timeout', '0.5', '--stop-timeout', '0.2', path.join(dir, 'daemon-hangs.yaml')]);
    const pid = startedPid(r.stderr);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[PB_ERR_DAEMON\].*no first result within 0\.5 s/);
    expect(alive(pid)).toBe(false);
    expect(existsSync(path.join(dir, 'daemon-hangs.pid'))).toBe(false);
  });

  it('Ctrl-C while waiting for the first result stops the starting daemon and exits 0', async () => {
    const dir = folder('daemon-hangs.yaml', 'ignores-signal.mjs');
    const p = startCli(['--state-dir', path.join(dir, 'state'), '--stop-timeout', '0.2', path.join(dir, 'daemon-hangs.yaml')]);
    await p.waitFor(/starting daemon pid \d+/, 'stderr');
    const pid = startedPid(p.stderr());
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/start interrupted/);
    expect(alive(pid)).toBe(false);
    expect(existsSync(path.join(dir, 'daemon-hangs.pid'))).toBe(false);
  });
});
