import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sleep } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import type { ScriptOutcome } from '../../src/exec/types.js';
import { RunThreadSet } from '../../src/schedule/run-thread-set.js';
import type { RunThreadSpec } from '../../src/schedule/types.js';
import { createCollector, type Collector } from '../../src/timeseries/collect.js';
import { defaultArchives, RrdFile } from '../../src/timeseries/rrd/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { memoryLogger } from '../schedule/helpers.js';
import { requireRrdtool } from './rrd/rrdtool-pipe.js';

let dir: string;
const open: Collector[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pb-collect-'));
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
  rmSync(dir, { recursive: true, force: true });
});

/** FakeClock's default start (2026-01-01T00:00:00Z) is a multiple of every step used here. */
const T0 = Date.UTC(2026, 0, 1);

function collector(config: unknown, clock = new FakeClock(T0), logger = silentLogger): Collector {
  const c = createCollector(config, { baseDir: dir, keyPath: 'run[0]["timeseries collect"]', logger, clock });
  open.push(c);
  return c;
}

async function fetchColumn(path: string, field: string, startSec: number, endSec: number): Promise<number[]> {
  const f = await RrdFile.open(path);
  try {
    const r = f.fetch({ cf: 'AVERAGE', start: startSec, end: endSec });
    const i = r.dsNames.indexOf(field);
    return [...(r.columns[i] ?? [])];
  } finally {
    await f.close();
  }
}

describe('timeseries collect: writing samples', () => {
  it('creates the file on first use and writes each tick’s fields at the tick’s time', async () => {
    const c = collector({ path: 'simplest.rrd', interval: 5, fields: { random: { type: 'GAUGE' }, other: { type: 'GAUGE' } } });
    const path = join(dir, 'simplest.rrd');
    expect(existsSync(path)).toBe(false);
    const values = [10, 20, 30, 40, 50];
    for (const [k, v] of values.entries()) await c.record({ random: v, other: k === 2 ? undefined : v * 2, noise: 'x' }, T0 + k * 5000);
    await c.flush();

    const f = await RrdFile.open(path);
    const info = f.info();
    expect(info.step).toBe(5);
    expect(info.lastUpdate).toBe(T0 / 1000 + 20);
    expect(info.ds.map((d) => [d.name, d.type, d.heartbeat])).toEqual([
      ['random', 'GAUGE', 10],
      ['other', 'GAUGE', 10],
    ]);
    expect(info.rra.map((r) => ({ cf: r.cf, xff: r.xff, steps: r.steps, rows: r.rows }))).toEqual(defaultArchives());
    await f.close();

    const t = T0 / 1000;
    // Rows end at t … t+20: each holds the sample written at its end (the file starts one step
    // before the first sample, so the first value counts).
    expect(await fetchColumn(path, 'random', t - 5, t + 20)).toEqual([10, 20, 30, 40, 50, NaN]);
    // The missing field of tick 2 (written at t+10) is unknown for the row ending there.
    expect(await fetchColumn(path, 'other', t - 5, t + 20)).toEqual([20, 40, NaN, 80, 100, NaN]);
    expect(c.stats()).toEqual([expect.objectContaining({ path, written: 5, dropped: 0, errors: 0 })]);
  });

  it('queues writes so none is lost when records are not awaited', async () => {
    const c = collector({ path: 'q.rrd', interval: 1, fields: { n: { type: 'GAUGE' } } });
    const pending = Array.from({ length: 200 }, (_, k) => c.record({ n: k }, T0 + k * 1000));
    await c.flush();
    await Promise.all(pending);
    expect(c.stats()[0]).toMatchObject({ written: 200, dropped: 0 });
    const t = T0 / 1000;
    const col = await fetchColumn(join(dir, 'q.rrd'), 'n', t, t + 199);
    expect(col.slice(0, 199)).toEqual(Array.from({ length: 199 }, (_, k) => k + 1));
  });

  it('appends to an existing file with the same definition', async () => {
    const config = { path: 'sub/dir/a.rrd', interval: 5, fields: { x: { type: 'GAUGE', min: 0, max: 100 } } };
    const first = collector(config);
    await first.record({ x: 1 }, T0);
    await first.record({ x: 2 }, T0 + 5000);
    await first.close();
    const second = collector(config);
    await second.record({ x: 3 }, T0 + 10_000);
    await second.close();
    const t = T0 / 1000;
    expect(await fetchColumn(join(dir, 'sub/dir/a.rrd'), 'x', t, t + 10)).toEqual([2, 3, NaN]);
  });

  it('refuses an existing file whose definition differs, on every record, leaving it untouched', async () => {
    const path = join(dir, 'a.rrd');
    const first = collector({ path: 'a.rrd', interval: 5, fields: { x: { type: 'GAUGE' } } });
    await first.record({ x: 1 }, T0);
    await first.close(); // one writer at a time (the next collector would fail PB_ERR_RRD_LOCKED)
    const before = readFileSync(path);
    const c = collector({ path: 'a.rrd', interval: 5, fields: { x: { type: 'COUNTER' }, y: { type: 'GAUGE' } } });
    await expect(c.record({ x: 1 }, T0 + 5000)).rejects.toMatchObject({ code: 'PB_ERR_RRD_INVALID' });
    await expect(c.record({ x: 2 }, T0 + 10_000)).rejects.toMatchObject({ code: 'PB_ERR_RRD_INVALID' });
    expect(c.stats()[0]).toMatchObject({ written: 0, errors: 2 });
    expect(readFileSync(path).equals(before)).toBe(true);
    await c.close();

    const steps = collector({ path: 'a.rrd', interval: 10, fields: { x: { type: 'GAUGE' } } });
    await expect(steps.record({ x: 1 }, T0 + 5000)).rejects.toMatchObject({ code: 'PB_ERR_RRD_INVALID' });
    await steps.close();
    const rra = collector({ path: 'a.rrd', interval: 5, fields: { x: { type: 'GAUGE' } }, archives: ['AVERAGE 0.5 1 10'] });
    await expect(rra.record({ x: 1 }, T0 + 5000)).rejects.toMatchObject({ code: 'PB_ERR_RRD_INVALID' });
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('drops a sample whose time is not after the last update, with a debug line, and keeps going', async () => {
    const { logger, records } = memoryLogger();
    const c = collector({ path: 'd.rrd', interval: 1, fields: { x: { type: 'GAUGE' } } }, new FakeClock(T0), logger);
    await c.record({ x: 1 }, T0 + 1000);
    await c.record({ x: 2 }, T0 + 1000); // same time
    await c.record({ x: 3 }, T0 + 500); // clock went back
    await c.record({ x: 4 }, T0 + 1000.5); // sub-millisecond later still counts as after
    await c.record({ x: 5 }, T0 + 2000);
    expect(c.stats()[0]).toMatchObject({ written: 3, dropped: 2, errors: 0 });
    expect(records.filter((r) => r.level === 'debug' && r.msg.startsWith('sample dropped'))).toHaveLength(2);
  });

  it('writes one file per entry with key:, making entry names safe for file names', async () => {
    const c = collector({
      path: 'hosts/%(key)s.rrd',
      key: 'hosts',
      interval: 5,
      fields: { load: { type: 'GAUGE' } },
    });
    const hosts = { web1: { load: 1 }, 'db/../x': { load: 2 }, '..': { load: 3 }, bad: 7 };
    await c.record({ hosts }, T0);
    await c.record({ hosts: { web1: { load: 4 } } }, T0 + 5000);
    await c.record({ other: 1 }, T0 + 10_000);
    await c.flush();
    expect(c.stats().map((s) => [s.path.slice(dir.length + 1), s.written]).sort()).toEqual([
      ['hosts/_.rrd', 1],
      ['hosts/db_.._x.rrd', 1],
      ['hosts/web1.rrd', 2],
    ]);
  });

  it('records values that do not fit their type as unknown, warning once per field', async () => {
    const { logger, records } = memoryLogger();
    const c = collector(
      { path: 'v.rrd', interval: 1, fields: { g: { type: 'GAUGE' }, c: { type: 'COUNTER' }, b: { type: 'GAUGE' } } },
      new FakeClock(T0),
      logger,
    );
    await c.record({ g: '2.5', c: 1.5, b: true }, T0 + 1000);
    await c.record({ g: 'n/a', c: 10n, b: false }, T0 + 2000);
    await c.record({ g: 4, c: 3.5, b: 1 }, T0 + 3000);
    const warns = records.filter((r) => r.level === 'warn').map((r) => r.msg);
    expect(warns).toHaveLength(2);
    expect(warns.some((m) => m.includes('field c'))).toBe(true);
    expect(warns.some((m) => m.includes('field g'))).toBe(true);
    const f = await RrdFile.open(join(dir, 'v.rrd'));
    const t = T0 / 1000;
    const r = f.fetch({ cf: 'AVERAGE', start: t, end: t + 3 });
    await f.close();
    expect([...(r.columns[0] ?? [])].slice(0, 3)).toEqual([2.5, NaN, 4]);
    expect([...(r.columns[2] ?? [])].slice(0, 3)).toEqual([1, 0, 1]);
    expect(c.stats()[0]).toMatchObject({ written: 3, errors: 0 });
  });

  it('close() is idempotent and later records reject with PB_ERR_CLOSED', async () => {
    const c = collector({ path: 'c.rrd', interval: 1, fields: { x: { type: 'GAUGE' } } });
    await c.record({ x: 1 }, T0);
    expect(c.close()).toBe(c.close());
    await c.close();
    await expect(c.record({ x: 2 }, T0 + 1000)).rejects.toMatchObject({ code: 'PB_ERR_CLOSED' });
  });
});

describe('timeseries collect: rrdtool as the reference', () => {
  it.runIf(requireRrdtool('the collect-vs-rrdtool test'))('fetches what rrdtool fetches after the same create and updates', async () => {
    const archives = ['AVERAGE 0.5 1 100', 'MAX 0.5 4 20'];
    const c = collector({
      path: 'ref.rrd',
      interval: 5,
      fields: { g: { type: 'GAUGE', max: 90 }, d: { type: 'DERIVE' } },
      archives,
    });
    // Jittered tick times (sub-second), a missing field, a value above max, one late tick.
    const ticks: [number, Record<string, unknown>][] = [];
    for (let k = 0; k < 60; k++) {
      const at = T0 + k * 5000 + (k % 7) * 137.25 + (k === 30 ? 9000 : 0);
      ticks.push([at, { g: k % 11 === 0 ? undefined : k === 20 ? 95 : (k * 7) % 50, d: k * k * 3 }]);
    }
    for (const [at, r] of ticks) await c.record(r, at);
    const stats = c.stats();
    await c.close();

    const ref = join(dir, 'ref-rrdtool.rrd');
    const first = (ticks[0]?.[0] ?? 0) / 1000;
    const rrdtool = (...args: string[]): string => execFileSync('rrdtool', args, { encoding: 'utf8', env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' } });
    rrdtool('create', ref, '--start', String(Math.floor(first) - 5), '--step', '5', 'DS:g:GAUGE:10:U:90', 'DS:d:DERIVE:10:U:U',
      ...archives.map((a) => `RRA:${a.split(' ').join(':')}`));
    // The tick after the late one is earlier than it: the collector drops it, as rrdtool refuses it.
    const accepted = ticks.filter(([at], i) => i === 0 || at > Math.max(...ticks.slice(0, i).map(([t]) => t)));
    expect(accepted).toHaveLength(59);
    expect(stats[0]).toMatchObject({ written: 59, dropped: 1 });
    rrdtool('update', ref, ...accepted.map(([at, r]) => `${at / 1000}:${r.g ?? 'U'}:${String(r.d)}`));

    const ours = await RrdFile.open(join(dir, 'ref.rrd'));
    try {
      for (const cf of ['AVERAGE', 'MAX'] as const) {
        const start = T0 / 1000 - 100;
        const end = T0 / 1000 + 400;
        const text = rrdtool('fetch', ref, cf, '--start', String(start), '--end', String(end));
        const mine = ours.fetch({ cf, start, end });
        const theirs = text.split('\n').filter((l) => /^\d+:/.test(l)).map((l) => l.split(/:\s*/)[1]!.trim().split(/\s+/).map(Number));
        expect(theirs.length).toBe(mine.rows);
        expect(theirs.flat().filter((v) => !Number.isNaN(v)).length).toBeGreaterThan(cf === 'AVERAGE' ? 100 : 20);
        theirs.forEach((row, i) => {
          row.forEach((v, j) => {
            const m = mine.columns[j]![i]!;
            if (Number.isNaN(v)) expect(m, `${cf} row ${i} ds ${j}`).toBeNaN();
            else expect(m, `${cf} row ${i} ds ${j}`).toBeCloseTo(v, 6);
          });
        });
      }
    } finally {
      await ours.close();
    }
  });
});

describe('timeseries collect: attached to a RunThread', () => {
  const tickSpec = (tick: () => Promise<ScriptOutcome>): RunThreadSpec => ({
    id: 'simplest',
    intervalMs: 5000,
    script: 'simplest.ts',
    item: {},
    baseDir: dir,
    tick,
  });
  const outcome = (returned: Record<string, unknown>): ScriptOutcome => ({
    returned,
    returnedNonObject: false,
    pipeDataSet: {},
    pipeDataDeleted: [],
    durationMs: 0,
  });

  it('writes every tick at its slot time, even when runs take most of the interval', async () => {
    const clock = new FakeClock(T0);
    const c = collector({ path: 'simplest.rrd', interval: 5, fields: { random: { type: 'GAUGE' } } }, clock);
    let n = 0;
    const set = new RunThreadSet({ clock, logger: silentLogger, hooks: () => ({ onTick: (o, t) => c.record(o.returned ?? {}, t) }) });
    const started = set.start(tickSpec(() => sleep(clock, 100 + (n % 4) * 1000).then(() => outcome({ random: ++n }))));
    await clock.advance(5000);
    await started;
    await clock.advance(94_000); // slots 0 … 19 have run; the next is due at 100 s
    await set.stopAll(5000);
    await c.flush();
    expect(c.stats()[0]).toMatchObject({ written: 20, dropped: 0 });
    const t = T0 / 1000;
    expect(await fetchColumn(join(dir, 'simplest.rrd'), 'random', t - 5, t + 95)).toEqual([
      ...Array.from({ length: 20 }, (_, k) => k + 1),
      NaN,
    ]);
  });

  it('makes a file that does not match the declaration fail the first tick, so start() rejects', async () => {
    const clock = new FakeClock(T0);
    const first = collector({ path: 'm.rrd', interval: 5, fields: { a: { type: 'GAUGE' } } }, clock);
    await first.record({ a: 1 }, T0 - 60_000);
    await first.close();
    const c = collector({ path: 'm.rrd', interval: 5, fields: { b: { type: 'GAUGE' } } }, clock);
    const set = new RunThreadSet({ clock, logger: silentLogger, hooks: () => ({ onTick: (o, t) => c.record(o.returned ?? {}, t) }) });
    await expect(set.start(tickSpec(() => Promise.resolve(outcome({ b: 1 }))))).rejects.toMatchObject({ code: 'PB_ERR_RRD_INVALID' });
    expect(set.statuses()).toHaveLength(0);
  });
});

describe('timeseries collect: graphs', () => {
  it('re-renders each graph when its interval has passed, and once more on flush', async () => {
    const clock = new FakeClock(T0);
    const c = collector(
      {
        path: 'g.rrd',
        interval: 5,
        fields: { random: { type: 'GAUGE' } },
        graph: [{ path: 'out/g.png', title: 'Test', fields: ['random'], method: 'STACK', interval: 10, period: '10m' }],
      },
      clock,
    );
    const png = join(dir, 'out/g.png');
    await c.record({ random: 1 }, clock.now());
    await c.flush();
    expect(c.stats()[0]?.graphsRendered).toBe(1);
    const first = statSync(png).mtimeMs;
    expect(PNG.sync.read(readFileSync(png)).width).toBeGreaterThan(0);

    await clock.advance(5000);
    await c.record({ random: 2 }, clock.now());
    expect(c.graphsDue(clock.now())).toHaveLength(0); // 5 s < 10 s since the last render
    await clock.advance(5000);
    expect(c.graphsDue(clock.now()).map((g) => g.graph.path)).toEqual([png]);
    await c.record({ random: 3 }, clock.now());
    await c.flush();
    expect(c.stats()[0]?.graphsRendered).toBe(2);

    await clock.advance(5000);
    await c.record({ random: 4 }, clock.now());
    await c.close(); // the last sample is newer than the last render: drawn once more
    expect(c.stats()[0]).toMatchObject({ graphsRendered: 3, graphErrors: 0, written: 4 });
    expect(statSync(png).mtimeMs).toBeGreaterThanOrEqual(first);
  });
});

describe('timeseries collect: configuration', () => {
  const base = { path: 'x.rrd', interval: 5, fields: { a: { type: 'GAUGE' } } };
  const cases: [string, unknown, string, string][] = [
    ['not a mapping', 5, 'PB_ERR_VALIDATION', 'run[0]["timeseries collect"]'],
    ['unknown key', { ...base, feilds: {} }, 'PB_ERR_VALIDATION', 'run[0]["timeseries collect"].feilds'],
    ['missing path', { ...base, path: undefined }, 'PB_ERR_VALIDATION', 'run[0]["timeseries collect"].path'],
    ['missing interval', { ...base, interval: undefined }, 'PB_ERR_VALIDATION', 'run[0]["timeseries collect"].interval'],
    ['fractional interval', { ...base, interval: 2.5 }, 'PB_ERR_VALIDATION', 'run[0]["timeseries collect"].interval'],
    ['bad type', { ...base, fields: { a: { type: 'GAGE' } } }, 'PB_ERR_VALIDATION', 'run[0]["timeseries collect"].fields.a.type'],
    ['bad min', { ...base, fields: { a: { type: 'GAUGE', min: 'low' } } }, 'PB_ERR_VALIDATION', 'run[0]["timeseries collect"].fields.a.min'],
    ['bad DS name', { ...base, fields: { 'cpu.user': { type: 'GAUGE' } } }, 'PB_ERR_RRD_INVALID', 'run[0]["timeseries collect"].fields.cpu.user'],
    ['bad archive', { ...base, archives: ['AVERAGE 0.5 1'] }, 'PB_ERR_VALIDATION', 'run[0]["timeseries collect"].archives[0]'],
    ['bad xff', { ...base, archives: ['AVERAGE 1.5 1 10'] }, 'PB_ERR_RRD_INVALID', 'run[0]["timeseries collect"].archives[0].xff'],
    ['key without %(key)s', { ...base, key: 'hosts' }, 'PB_ERR_VALIDATION', 'run[0]["timeseries collect"].path'],
    [
      'graph field not declared',
      { ...base, graph: [{ path: 'x.png', fields: ['b'] }] },
      'PB_ERR_VALIDATION',
      'run[0]["timeseries collect"].graph[0].fields',
    ],
    ['graph typo', { ...base, graph: [{ path: 'x.png', peroid: '1h' }] }, 'PB_ERR_VALIDATION', 'run[0]["timeseries collect"].graph[0].peroid'],
  ];
  it.each(cases)('%s → %s at its key path', (_name, config, code, keyPath) => {
    let err: unknown;
    try {
      collector(config);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code, location: { keyPath } });
  });

  it('resolves defaults and accepts the archive spellings', async () => {
    const c = collector({
      path: 'x.rrd',
      interval: '30s',
      fields: { a: { type: 'counter', heartbeat: '2m', min: 0, max: 'U' } },
      archives: ['AVERAGE 0.5 1 100', 'RRA:MAX:0.5:10:50', { cf: 'min', xff: 0.5, steps: 10, rows: 50 }],
    });
    expect(c.config).toMatchObject({
      step: 30,
      fields: [{ name: 'a', type: 'COUNTER', heartbeat: 120, min: 0, max: undefined }],
      archives: [
        { cf: 'AVERAGE', xff: 0.5, steps: 1, rows: 100 },
        { cf: 'MAX', xff: 0.5, steps: 10, rows: 50 },
        { cf: 'MIN', xff: 0.5, steps: 10, rows: 50 },
      ],
      archivesGiven: true,
    });
    await c.close();
    expect(collector(base).config.fields[0]?.heartbeat).toBe(10);
  });
});
