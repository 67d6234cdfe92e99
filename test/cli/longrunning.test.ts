/**
 * Long-running blocks through the real CLI and real signals (SPEC §4): graceful SIGINT/SIGTERM,
 * the stop deadline, a second Ctrl-C, persisted state across restarts, daemon mode.
 * Synchronisation is on the child's output and on file events — never on sleeps.
 */
import { copyFileSync, existsSync, readFileSync, watch } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createUnidist } from '../../src/unidist/index.js';
import { repoRoot, runCli, startCli, tempDir } from '../helpers/cli.js';

const fx = (name: string): string => path.join(repoRoot, 'test', 'fixtures', 'cli', name);
const tmp = tempDir('procblock-long-');
afterAll(() => tmp.cleanup());
let n = 0;
const freshStateDir = (): string => path.join(tmp.dir, `state-${++n}`);

async function counterIn(stateDir: string, name: string): Promise<number> {
  const u = await createUnidist({ backend: 'memory', stateDir });
  try {
    return await u.counter.get(name);
  } finally {
    await u.close();
  }
}

/** The highest `tick N` the ticker logged. */
function lastTick(stderr: string): number {
  const all = [...stderr.matchAll(/tick (\d+)/g)].map((m) => Number(m[1]));
  return all.length ? Math.max(...all) : 0;
}

describe('graceful stop', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal}: finishes in-flight runs, persists state, exits 0`, async () => {
      const stateDir = freshStateDir();
      const p = startCli(['--state-dir', stateDir, fx('longrun.yaml')]);
      await p.waitFor(/"ticks"/, 'stdout'); // the first processing printed its result
      await p.waitFor(/tick 5\b/, 'stderr');
      p.child.kill(signal);
      const r = await p.done;
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`${signal} received: stopping`));
      const printed = JSON.parse(r.stdout) as { run: Record<string, unknown> };
      expect(printed.run.ticks).toBe(1);
      expect(printed.run['run_thread.ticker']).toMatchObject({ id: 'ticker', running: true });
      // Every tick that ran was persisted (a tick's log line may race the stop by one).
      const persisted = await counterIn(stateDir, 'ticks');
      expect(persisted).toBeGreaterThanOrEqual(lastTick(r.stderr));
      expect(persisted).toBeLessThanOrEqual(lastTick(r.stderr) + 1);
    });
  }

  it('a restarted block continues the counter from its last value', async () => {
    const stateDir = freshStateDir();
    const first = startCli(['--state-dir', stateDir, fx('longrun.yaml')]);
    await first.waitFor(/tick 3\b/, 'stderr');
    first.child.kill('SIGINT');
    const r1 = await first.done;
    expect(r1.code).toBe(0);
    const last = await counterIn(stateDir, 'ticks');
    expect(last).toBeGreaterThanOrEqual(3);
    const second = startCli(['--state-dir', stateDir, fx('longrun.yaml')]);
    await second.waitFor(/"ticks"/, 'stdout');
    second.child.kill('SIGINT');
    const r2 = await second.done;
    expect(r2.code).toBe(0);
    expect((JSON.parse(r2.stdout) as { run: { ticks: number } }).run.ticks).toBe(last + 1);
  });

  it('a script ignoring ctx.signal is terminated after the deadline; the exit is still clean', async () => {
    const stateDir = freshStateDir();
    const p = startCli(['--state-dir', stateDir, '--stop-timeout', '0.5', fx('stubborn.yaml')]);
    await p.waitFor(/stuck forever/, 'stderr');
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Terminating 1 script\(s\) still running/);
    expect(await counterIn(stateDir, 'calls')).toBe(2);
  });

  it('a second SIGINT exits 130 at once', async () => {
    const p = startCli(['--state-dir', freshStateDir(), '--stop-timeout', '60', fx('stubborn.yaml')]);
    await p.waitFor(/stuck forever/, 'stderr');
    p.child.kill('SIGINT');
    await p.waitFor(/SIGINT received: stopping/, 'stderr');
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code).toBe(130);
  });
});

describe('run simultaneous in a long-running block', () => {
  it('prints the first result while a polling list keeps running; Ctrl-C ends the loop cleanly', async () => {
    const p = startCli(['--state-dir', freshStateDir(), fx('poller.yaml')]);
    await p.waitFor(/"run simultaneous"/, 'stdout');
    const printed = JSON.parse(p.stdout()) as Record<string, Record<string, Record<string, unknown>>>;
    expect(printed['run simultaneous']?.poller).toMatchObject({ status: 'running' });
    await p.waitFor(/poll 3\b/, 'stderr'); // still polling after the result was printed
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/poller stopping after \d+ polls/);
    expect(r.stderr).not.toMatch(/failed/);
  });
});

describe('kill -9', () => {
  it('never leaves an unreadable state dir; a restart continues from what was persisted', async () => {
    const stateDir = freshStateDir();
    let previous = 0;
    for (let round = 0; round < 8; round++) {
      const p = startCli(['--state-dir', stateDir, fx('longrun.yaml')]);
      // Kill at a different point each round: after a random number of further ticks.
      const target = previous + 2 + Math.floor(Math.random() * 25);
      await p.waitFor(new RegExp(`tick ${target}\\b`), 'stderr');
      p.child.kill('SIGKILL');
      const r = await p.done;
      expect(r.signal).toBe('SIGKILL');
      const seen = lastTick(r.stderr);
      const persisted = await counterIn(stateDir, 'ticks'); // opening must succeed
      expect(persisted).toBeLessThanOrEqual(seen);
      expect(persisted).toBeGreaterThanOrEqual(previous); // never goes back past a completed run
      previous = persisted;
    }
  });
});

describe('daemon mode', () => {
  it('detaches, writes the pidfile, and --stop ends it', async () => {
    const dir = path.join(tmp.dir, 'daemon');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    copyFileSync(fx('daemon.yaml'), path.join(dir, 'daemon.yaml'));
    copyFileSync(fx('ticker.mjs'), path.join(dir, 'ticker.mjs'));
    const pidFile = path.join(dir, 'daemon.pid');
    const appeared = new Promise<void>((resolve) => {
      const w = watch(dir, () => {
        if (existsSync(pidFile)) {
          w.close();
          resolve();
        }
      });
    });
    const start = await runCli(['--state-dir', path.join(dir, 'state'), path.join(dir, 'daemon.yaml')]);
    expect(start.code).toBe(0);
    expect(start.stderr).toMatch(/started daemon pid (\d+)/);
    await appeared;
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).not.toThrow();
    const stop = await runCli(['--stop', path.join(dir, 'daemon.yaml')]);
    expect(stop.code).toBe(0);
    expect(existsSync(pidFile)).toBe(false);
    expect(() => process.kill(pid, 0)).toThrow();
    expect(readFileSync(path.join(dir, 'daemon.log'), 'utf8')).toMatch(/SIGTERM received: stopping/);
  });
});
