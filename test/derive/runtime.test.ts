/**
 * `timeseries derive` in a running block (SPEC §9): on a script's RunThread (fields added to its
 * result) and as a RunThread of its own; collected and graphed like any series, alerted on,
 * with the thread's window refilled from its own file at start. Real worker scripts, the fake
 * clock for ticks, synchronised on the runtime's tick events.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBlock } from '../../dist/config/index.js';
import { createLogger } from '../../dist/core/logger.js';
import { Runtime } from '../../dist/runtime/runtime.js';
import type { LiveEvent } from '../../dist/runtime/live-events.js';
import { RrdFile } from '../../dist/timeseries/rrd/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { repoRoot, tempDir } from '../helpers/cli.js';

const tmp = tempDir('procblock-derive-rt-');
afterAll(() => tmp.cleanup());
const T = 1_767_225_600;

const BLOCK = `
__usage: {name: derive, longrunning: true}
run:
  - script: value.mjs
    cache: 5
    thread_id: probe
    timeseries collect: {path: probe.rrd, interval: 5, fields: {v: {type: GAUGE}}}
    timeseries derive:
      fields: {a3: "avg(v, last 3)"}
  - timeseries derive:
      fields:
        double: "probe.v * 2"
    cache: 5
    thread_id: sum
    timeseries collect:
      path: sum.rrd
      interval: 5
      fields: {double: {type: GAUGE}}
      graph: [{path: sum.png, fields: [double]}]
    alert:
      big:
        when: "double > 100"
        run: [{shell: 'echo "$PROCBLOCK_ALERT_STATE $PROCBLOCK_ALERT_VALUE" >> big.log'}]
`;

describe('timeseries derive in a runtime', () => {
  it('computes, collects, graphs and alerts on derived fields; the window starts from the file', async () => {
    const dir = tmp.dir;
    copyFileSync(path.join(repoRoot, 'test/fixtures/alerts/value.mjs'), path.join(dir, 'value.mjs'));
    writeFileSync(path.join(dir, 'block.yaml'), BLOCK);
    writeFileSync(path.join(dir, 'value.txt'), '60');
    // probe.rrd exists from an earlier run: rows 10, 20, 30 for the last three steps.
    execFileSync(process.execPath, [path.join(repoRoot, 'test/fixtures/alerts/write-rrd.mjs'), path.join(dir, 'probe.rrd'), '5', String(T - 20), `${T - 15}:10,${T - 10}:20,${T - 5}:30`, 'v'], {
      env: { ...process.env, PROCBLOCK_DIST: path.join(repoRoot, 'dist') },
    });

    const clock = new FakeClock(T * 1000);
    // The alert's procedure runs after its state is written (fsync'ed): the test waits for the
    // dispatcher's line that it ended (finished, failed or abandoned; big.log then tells which),
    // since a stop begun before it starts would not start it.
    let procedureEnded!: () => void;
    const procedureDone = new Promise<void>((resolve) => (procedureEnded = resolve));
    const logger = createLogger((r) => {
      if (r.msg.startsWith('alert sum/big (firing): procedure ')) procedureEnded();
    }, 'info');
    const rt = await Runtime.create({ clock, logger, stateDir: path.join(dir, 'state') });
    const ticks: LiveEvent[] = [];
    const waiters: { test: (e: LiveEvent) => boolean; resolve: () => void }[] = [];
    rt.events.subscribe((e) => {
      ticks.push(e);
      for (const w of [...waiters]) {
        if (!w.test(e)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
    const next = (test: (e: LiveEvent) => boolean): Promise<void> => new Promise((resolve) => waiters.push({ test, resolve }));
    try {
      const { result } = await rt.run(await loadBlock(path.join(dir, 'block.yaml')));
      const run = (result as { run: Record<string, unknown> }).run;
      // avg over the window's last 3: two refilled rows (20, 30) and the first tick (60).
      expect(run.a3).toBeCloseTo((20 + 30 + 60) / 3, 10);
      expect(run.double).toBe(120);
      expect(run['run_thread.sum']).toMatchObject({ id: 'sum', running: true, scripts: ['(timeseries derive)'] });

      // Threads tick independently: sum may read probe's sample of this tick or of the last one;
      // either way double stays above 100 (70 → 140, 60 → 120).
      writeFileSync(path.join(dir, 'value.txt'), '70');
      const probeTick = next((e) => e.kind === 'tick' && e.thread === 'probe' && e.time === (T + 5) * 1000);
      const sumTick = next((e) => e.kind === 'tick' && e.thread === 'sum' && e.time === (T + 5) * 1000);
      await clock.advance(5000);
      await Promise.all([probeTick, sumTick]);
      const probe = ticks.find((e) => e.kind === 'tick' && e.thread === 'probe' && e.time === (T + 5) * 1000);
      expect(probe).toMatchObject({ fields: { v: 70, a3: (30 + 60 + 70) / 3 } });
      expect(ticks.filter((e) => e.kind === 'alert').map((e) => e.kind === 'alert' && `${e.from}→${e.to}`)).toEqual(['ok→firing']);
      await procedureDone;
    } finally {
      await rt.stop();
    }

    const sum = await RrdFile.open(path.join(dir, 'sum.rrd'), { readOnly: true });
    try {
      const f = sum.fetch({ cf: 'AVERAGE', start: T - 10, end: T });
      expect([...(f.columns[0] as Float64Array)].filter((x) => !Number.isNaN(x))).toContain(120);
    } finally {
      await sum.close();
    }
    expect(existsSync(path.join(dir, 'sum.png'))).toBe(true);
    expect(readFileSync(path.join(dir, 'big.log'), 'utf8')).toBe('firing 120\n');
  });
});
