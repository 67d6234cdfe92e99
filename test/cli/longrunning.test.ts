/**
 * Long-running blocks through the real CLI and real signals (SPEC §4): graceful SIGINT/SIGTERM,
 * the stop deadline, a second Ctrl-C, persisted state across restarts and kill -9 (daemon mode:
 * daemon.test.ts; signals at every moment: signals.test.ts).
 * Synchronisation is on the child's output and on file events — never on sleeps.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createUnidist } from '../../src/unidist/index.js';
import { repoRoot, startCli, tempDir } from '../helpers/cli.js';

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
  // longrun.yaml ticks every 50 ms; unidist writes its journal at most FLUSH_MS after a change
  // (the default, docs/unidist-persistence.md). Ticks are scheduled at start + k·50 ms and never
  // bunch up (a late one is skipped), so the counter value `seen - k` was reached at least
  // (k - 1)·50 ms before `seen` was logged.
  const TICK_MS = 50;
  const FLUSH_MS = 1000;
  const TICKS_PER_FLUSH = FLUSH_MS / TICK_MS;
  // Two ticks for the lateness of the older tick, four (200 ms) for the flush's own write + fdatasync.
  const SLACK_TICKS = 6;

  it('never loses anything older than one flush interval; the state dir stays readable; a restart continues', async () => {
    const stateDir = freshStateDir();
    let previous = 0;
    for (let round = 0; round < 3; round++) {
      const p = startCli(['--state-dir', stateDir, fx('longrun.yaml')]);
      // Kill at a different point each round, always more than one flush interval in.
      const target = previous + TICKS_PER_FLUSH + SLACK_TICKS + 2 + Math.floor(Math.random() * 10);
      await p.waitFor(new RegExp(`tick ${target}\\b`), 'stderr');
      p.child.kill('SIGKILL');
      const r = await p.done;
      expect(r.signal).toBe('SIGKILL');
      const seen = lastTick(r.stderr);
      const persisted = await counterIn(stateDir, 'ticks'); // opening must succeed
      expect(persisted).toBeLessThanOrEqual(seen);
      // The lower bound: every tick older than one flush interval (plus the slack) survived.
      expect(persisted).toBeGreaterThanOrEqual(seen - TICKS_PER_FLUSH - SLACK_TICKS);
      expect(persisted).toBeGreaterThanOrEqual(previous); // never goes back past a completed run
      previous = persisted;
    }
  });
});
