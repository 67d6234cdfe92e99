import { existsSync, mkdtempSync, readFileSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProcblockError } from '../../dist/core/errors.js';
import { createShellRunner } from '../../dist/exec/index.js';
import { FakeClock } from '../helpers/fake-clock.js';

const dir = mkdtempSync(join(tmpdir(), 'pb-shell-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** True while `pid` exists and is not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Whether `pid` ends within `withinMs` (polling /proc): a killed process closes its files (the
 * runner then sees end-of-file) a moment before it shows as a zombie, a moment that a loaded
 * machine can stretch. A pid still alive after `withinMs` was not killed.
 */
async function ends(pid: number, withinMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

/** Resolve when `file` exists (the command wrote it): the test's "it has started" event. */
function appears(file: string): Promise<void> {
  return new Promise((resolve) => {
    const watcher = watch(dirname(file), (_event, name) => {
      if ((name === null || name === basename(file)) && existsSync(file)) done();
    });
    const done = (): void => {
      watcher.close();
      resolve();
    };
    if (existsSync(file)) done();
  });
}

describe('shell runner', () => {
  const shell = createShellRunner({ killGraceMs: 1000 });
  afterAll(() => shell.close());

  it('returns exit code, stdout and stderr', async () => {
    const out = await shell.run({ command: 'echo out; echo err >&2; exit 3', cwd: dir });
    expect(out).toMatchObject({ exitCode: 0 + 3, stdout: 'out\n', stderr: 'err\n', timedOut: false });
  });

  it('runs in the given cwd with env merged over the environment', async () => {
    const out = await shell.run({ command: 'pwd; echo "$PB_TEST_VAR"; test -n "$PATH" && echo has-path', cwd: dir, env: { PB_TEST_VAR: 'v1' } });
    expect(out.stdout).toBe(`${dir}\nv1\nhas-path\n`);
    expect(out.exitCode).toBe(0);
  });

  it('reports 128+n when the command is killed by signal n', async () => {
    const out = await shell.run({ command: 'kill -9 $$', cwd: dir });
    expect(out.exitCode).toBe(128 + 9);
  });

  it('returns -1 when the command cannot start (missing cwd)', async () => {
    const out = await shell.run({ command: 'true', cwd: join(dir, 'nope') });
    expect(out.exitCode).toBe(-1);
    expect(out.stderr).toContain('nope');
  });

  it('returns 20 MB of stdout whole (no pipe-buffer deadlock)', async () => {
    const size = 20 * 1024 * 1024;
    const out = await shell.run({ command: `head -c ${size} /dev/zero | tr '\\0' 'a'; echo tail >&2`, cwd: dir });
    expect(out.exitCode).toBe(0);
    expect(out.stdout.length).toBe(size);
    expect(out.stdout.endsWith('aaaa')).toBe(true);
    expect(out.stderr).toBe('tail\n');
  });

  it('a timeout kills the whole process group, grandchildren included', async () => {
    // The clock is the test's: the timeout fires once the grandchild has started, never before.
    const clock = new FakeClock();
    const own = createShellRunner({ killGraceMs: 1000, clock });
    const pidFile = join(dir, 'grandchild.pid');
    // The grandchild keeps stdout open: run() can only finish once it is dead too.
    const running = own.run({ command: `sh -c 'sleep 300 & echo $! > ${pidFile}.tmp; mv ${pidFile}.tmp ${pidFile}; wait' ; echo unreachable`, cwd: dir, timeoutMs: 1000 });
    await appears(pidFile);
    await clock.advance(999);
    expect(alive(Number(readFileSync(pidFile, 'utf8').trim()))).toBe(true);
    await clock.advance(1);
    const out = await running;
    expect(out.timedOut).toBe(true);
    expect(out.exitCode).toBe(128 + 15);
    expect(out.stdout).toBe('');
    expect(existsSync(pidFile)).toBe(true);
    expect(await ends(Number(readFileSync(pidFile, 'utf8').trim()))).toBe(true);
    await own.close();
  });

  it('an aborted signal kills the command', async () => {
    const ctl = new AbortController();
    const p = shell.run({ command: 'echo started; exec sleep 300', cwd: dir, signal: ctl.signal });
    ctl.abort();
    const out = await p;
    expect(out.exitCode).toBe(128 + 15);
    expect(out.timedOut).toBe(false);
  });

  it('SIGKILLs a command that ignores SIGTERM after the grace period', async () => {
    const clock = new FakeClock();
    const own = createShellRunner({ killGraceMs: 200, clock });
    const ready = join(dir, 'trap-set');
    // The shell announces that its trap is set (a file); only then does the test's clock move.
    const running = own.run({ command: `trap '' TERM; echo ready; : > ${ready}; while :; do sleep 0.01; done`, cwd: dir, timeoutMs: 1000 });
    await appears(ready);
    await clock.advance(1000); // the timeout: SIGTERM, ignored
    await clock.advance(200); // the grace period: SIGKILL
    const out = await running;
    expect(out.timedOut).toBe(true);
    expect(out.exitCode).toBe(128 + 9);
    expect(out.stdout).toBe('ready\n');
    await own.close();
  });

  it('close() kills running children and refuses new work; same promise twice', async () => {
    const own = createShellRunner({ killGraceMs: 500 });
    const running = own.run({ command: 'exec sleep 300', cwd: dir });
    const c = own.close();
    expect(own.close()).toBe(c);
    await c;
    expect((await running).exitCode).toBe(128 + 15);
    await expect(own.run({ command: 'true', cwd: dir })).rejects.toSatisfy((e: unknown) => e instanceof ProcblockError && e.code === 'PB_ERR_CLOSED');
  });
});
