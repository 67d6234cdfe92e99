/* eslint-disable no-control-regex -- terminal escape sequences are what these tests check */
/**
 * The status line and the status log lines, with an injected stream and a fake clock (the
 * pseudo-terminal test in status.test.ts runs the same code through the real CLI).
 */
import { describe, expect, it } from 'vitest';
import { createLogger, formatLogRecord } from '../../src/core/logger.js';
import { startFeedback } from '../../src/cli/run-feedback.js';
import { fitWidth, formatAge, statusLineText, statusReport } from '../../src/cli/status-format.js';
import type { RuntimeSnapshot, ThreadSnapshot } from '../../src/runtime/status-snapshot.js';
import { totalsOf } from '../../src/runtime/status-snapshot.js';
import { FakeClock } from '../helpers/fake-clock.js';

const T0 = Date.UTC(2026, 0, 1, 12);
const thread = (over: Partial<ThreadSnapshot> = {}): ThreadSnapshot => ({
  id: 'cpu', script: 'cpu.ts', intervalSeconds: 5, running: true, runs: 0, errors: 0, skipped: 0, ranElsewhere: 0, samples: 0, renders: 0, ...over,
});

describe('status text', () => {
  it('one line: threads, runs, errors, skipped, last sample age; stopping', () => {
    const snap: RuntimeSnapshot = { state: 'running', threads: [thread({ runs: 10, errors: 1, skipped: 2, lastSample: T0 / 1000 - 3 }), thread({ id: 'b', runs: 1 })] };
    expect(statusLineText(snap, T0)).toBe('2 threads, 11 runs, 1 error, 2 skipped, last sample 3s ago');
    expect(statusLineText({ state: 'stopping', threads: [thread()] }, T0)).toBe('1 thread, 0 runs, 0 errors, 0 skipped, stopping');
  });
  it('ages and widths', () => {
    expect([formatAge(3), formatAge(120), formatAge(7200), formatAge(3 * 86_400)]).toEqual(['3s', '2m', '2h', '3d']);
    expect(fitWidth('abcdefghij', 6)).toBe('abcd…');
    expect(fitWidth('abc', 80)).toBe('abc');
  });
  it('procblock status report: running, stopped, gone', () => {
    const threads = [thread({ runs: 4, samples: 4, renders: 1, lastStart: T0 / 1000 - 2, lastDuration: 0.25, lastError: 'boom', errors: 1 })];
    const base = { format: 1, pid: 7, block: '/b/m.yaml', name: 'Mon', startedAt: T0 / 1000 - 60, updatedAt: T0 / 1000 - 1, totals: totalsOf(threads), threads };
    const running = statusReport({ ...base, state: 'running' }, true, T0);
    expect(running.split('\n')[0]).toBe('Mon (/b/m.yaml): running, pid 7, up 60s');
    expect(running).toMatch(/^ {2}cpu +5s +4 +1 +0 +4 +1 +2s ago \(took 0\.25s\)$/m);
    expect(running).toMatch(/last error of cpu: boom/);
    expect(statusReport({ ...base, state: 'stopped' }, false, T0).split('\n')[0]).toMatch(/not running: stopped 1s ago/);
    expect(statusReport({ ...base, state: 'running' }, false, T0).split('\n')[0]).toMatch(/not running: pid 7 is gone without a clean stop/);
    // Cluster-safe threads: how many slots another process ran.
    const shared = [thread({ runs: 2, ranElsewhere: 3 })];
    expect(statusReport({ ...base, totals: totalsOf(shared), threads: shared, state: 'running' }, true, T0)).toMatch(/^ {2}THREAD +EVERY +RUNS +ELSEWHERE +ERRORS[^\n]*\n {2}cpu +5s +2 +3 +0 /m);
  });
});

describe('startFeedback', () => {
  function setup(tty: boolean, intervalMs?: number): { out: string[]; clock: FakeClock; snap: { value: RuntimeSnapshot }; feedback: ReturnType<typeof startFeedback>; log: (m: string) => void } {
    const out: string[] = [];
    const clock = new FakeClock(T0);
    const snap = { value: { state: 'running', threads: [thread()] } as RuntimeSnapshot };
    const box: { write: (t: string) => void } = { write: (t) => void out.push(t) };
    const logger = createLogger((r) => box.write(`${formatLogRecord(r)}\n`), 'info', 'procblock', () => clock.now());
    const feedback = startFeedback({ stderr: (t) => out.push(t), tty: tty ? { columns: () => 72 } : undefined, clock, logger, snapshot: () => snap.value, intervalMs, quiet: false });
    box.write = feedback.stderr;
    return { out, clock, snap, feedback, log: (m) => logger.info(m) };
  }

  it('terminal: one line redrawn in place; log lines go above it; close clears it', async () => {
    const { out, clock, snap, feedback, log } = setup(true);
    expect(out).toEqual(['\r\x1b[Kprocblock: 1 thread, 0 runs, 0 errors, 0 skipped']);
    snap.value = { state: 'running', threads: [thread({ runs: 3, lastSample: T0 / 1000 })] };
    await clock.advance(1000);
    expect(out[1]).toBe('\r\x1b[Kprocblock: 1 thread, 3 runs, 0 errors, 0 skipped, last sample 1s ago');
    log('hello');
    expect(out[2]).toMatch(/^\r\x1b\[K\d\d:\d\d:\d\d info {2}\[procblock\] hello\nprocblock: 1 thread, 3 runs, 0 errors, 0 skipped, last sample 1s ago$/);
    snap.value = { state: 'stopping', threads: [thread({ runs: 3, errors: 2, skipped: 7, lastSample: T0 / 1000 })] };
    await clock.advance(1000);
    // Cut to the terminal's width.
    expect(out[3]).toBe(`\r\x1b[K${'procblock: 1 thread, 3 runs, 2 errors, 7 skipped, last sample 2s ago, stopping'.slice(0, 70)}…`);
    feedback.close();
    expect(out[4]).toBe('\r\x1b[K');
    expect(clock.timers).toBe(0);
    feedback.close();
    expect(out).toHaveLength(5);
  });

  it('not a terminal: a plain status log line every interval, nothing drawn', async () => {
    const { out, clock, feedback } = setup(false, 200);
    expect(out).toEqual([]);
    await clock.advance(400);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/^\d\d:\d\d:\d\d info {2}\[procblock\] status: 1 thread, 0 runs, 0 errors, 0 skipped\n$/);
    feedback.close();
    expect(clock.timers).toBe(0);
  });

  it('interval 0 and --quiet turn feedback off', () => {
    const clock = new FakeClock(T0);
    for (const [intervalMs, quiet] of [[0, false], [undefined, true]] as const) {
      const out: string[] = [];
      const f = startFeedback({ stderr: (t) => out.push(t), tty: { columns: () => 80 }, clock, logger: createLogger(() => undefined), snapshot: () => ({ state: 'running', threads: [] }), intervalMs, quiet });
      expect(out).toEqual([]);
      expect(clock.timers).toBe(0);
      f.close();
    }
  });
});
