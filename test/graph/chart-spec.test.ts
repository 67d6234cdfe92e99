import { beforeAll, describe, expect, it } from 'vitest';
import { buildChartSpec, stepPoints } from '../../src/graph/chart-spec.js';
import { parseGraphOptions } from '../../src/graph/options.js';
import { AREA_COLORS, LINE_COLORS } from '../../src/graph/palette.js';
import { consolidateToPixels, seriesStats } from '../../src/graph/series.js';
import { formatTimeLabel, timeTicks } from '../../src/graph/time-axis.js';
import { formatSi, formatTick } from '../../src/graph/format-number.js';
import { range, table } from './table.js';

beforeAll(() => {
  // Tick alignment and labels follow the process's local zone; pin it for the assertions.
  process.env.TZ = 'UTC';
});

const NOW = 1_700_000_000; // 2023-11-14 22:13:20 UTC; a multiple of 5 and of 10
const opts = (raw: Record<string, unknown>) => parseGraphOptions({ path: 'g.png', ...raw }, 'graph');

describe('buildChartSpec', () => {
  it('draws every DS by default, in file order, with the line palette repeating', () => {
    const names = Array.from({ length: LINE_COLORS.length + 2 }, (_, i) => `f${i}`);
    const cols = Object.fromEntries(names.map((n, i) => [n, range(720, () => i)]));
    const spec = buildChartSpec(opts({}), table(NOW - 3600, 5, cols), NOW);
    const ds = spec.config.data.datasets;
    expect(ds.map((d) => d.label)).toEqual(names);
    expect(ds.map((d) => d.borderColor)).toEqual([...LINE_COLORS, LINE_COLORS[0], LINE_COLORS[1]]);
    expect(ds.every((d) => d.fill === false)).toBe(true);
    expect(spec.legend.map((r) => r.color)).toEqual([...LINE_COLORS, LINE_COLORS[0], LINE_COLORS[1]]);
  });

  it('honours fields order and custom colours', () => {
    const data = table(NOW - 3600, 5, { a: range(720, () => 1), b: range(720, () => 2) });
    const spec = buildChartSpec(opts({ fields: ['b', 'a'], colors: ['#102030'] }), data, NOW);
    expect(spec.config.data.datasets.map((d) => d.label)).toEqual(['b', 'a']);
    expect(spec.config.data.datasets.map((d) => d.borderColor)).toEqual(['#102030', '#102030']);
  });

  it('AREA fills from zero with the area palette; STACK fills onto the layer below', () => {
    const data = table(NOW - 3600, 5, { a: range(720, () => 1), b: range(720, () => 2) });
    const area = buildChartSpec(opts({ method: 'AREA' }), data, NOW).config.data.datasets;
    expect(area.map((d) => d.fill)).toEqual(['origin', 'origin']);
    expect(area[0]?.backgroundColor).toBe('rgba(234,100,74,0.55)'); // #EA644A
    const stack = buildChartSpec(opts({ method: 'STACK' }), data, NOW);
    const sds = stack.config.data.datasets;
    expect(sds.map((d) => d.fill)).toEqual(['origin', '-1']);
    expect(sds.map((d) => d.backgroundColor)).toEqual([AREA_COLORS[0], AREA_COLORS[1]]);
    // Layer b is drawn at a+b.
    expect(new Set(sds[1]?.data.map((p) => p.y))).toEqual(new Set([3]));
    expect(stack.legend.map((r) => r.stats.avg)).toEqual([1, 2]);
    expect(stack.config.options?.scales?.y).toMatchObject({ beginAtZero: true });
  });

  it('consolidates to at most the pixel width: one point per bucket, and one at the end', () => {
    // 17,280 five-second rows (a day) into 600 pixels: 29 rows (~1 px) per bucket.
    const data = table(NOW - 86_400, 5, { v: range(17_280, (i) => i) });
    const spec = buildChartSpec(opts({ period: '1d' }), data, NOW);
    const pts = spec.config.data.datasets[0]?.data ?? [];
    expect(pts.length).toBeLessThanOrEqual(602);
    expect(pts.length).toBeGreaterThan(590);
    for (let i = 1; i < pts.length; i++) {
      expect(pts[i]!.x).toBeGreaterThan(pts[i - 1]!.x);
      // Averages follow the ramp; the last point closes the last bucket at its value.
      if (i < pts.length - 1) expect(pts[i]!.y).toBeGreaterThan(pts[i - 1]!.y);
      else expect(pts[i]!.y).toBe(pts[i - 1]!.y);
    }
    expect(pts[0]!.x).toBeGreaterThanOrEqual(NOW - 86_400);
    expect(pts.at(-1)!.x).toBeLessThanOrEqual(NOW);
    // Buckets are 29 rows (145 s) aligned to multiples of 145 s in epoch time; the first one holds
    // the rows before the first such boundary and shows their mean.
    const firstEnd = Math.ceil((NOW - 86_400 + 1) / 145) * 145;
    const count = (firstEnd - (NOW - 86_400)) / 5;
    expect(pts[0]!.y).toBe((count - 1) / 2);
  });

  it('wide buckets are drawn as flat steps over exactly their interval', () => {
    const data = table(NOW - 3600, 60, { v: range(60, (i) => i) }); // 10 px per row
    const spec = buildChartSpec(opts({}), data, NOW);
    const pts = spec.config.data.datasets[0]?.data ?? [];
    // A point at each row's start holds its value across the row (drawn as steps).
    expect(spec.config.options?.elements?.line?.stepped).toBe('before');
    expect(pts).toHaveLength(61);
    expect(pts.slice(0, 3)).toEqual([
      { x: NOW - 3600, y: 0 },
      { x: NOW - 3540, y: 1 },
      { x: NOW - 3480, y: 2 },
    ]);
    expect(pts.slice(-2)).toEqual([
      { x: NOW - 60, y: 59 },
      { x: NOW, y: 59 },
    ]);
  });

  it('leaves unknown rows as gaps (NaN breaks), never zeros, and keeps their neighbours', () => {
    const vals = range(60, (i) => (i >= 20 && i < 30 ? Number.NaN : 5));
    const data = table(NOW - 3600, 60, { v: vals });
    const spec = buildChartSpec(opts({}), data, NOW);
    const pts = spec.config.data.datasets[0]?.data ?? [];
    expect(pts.some((p) => p.y === 0)).toBe(false);
    const gapAt = pts.findIndex((p) => Number.isNaN(p.y));
    expect(gapAt).toBeGreaterThan(0);
    expect(pts[gapAt - 1]?.x).toBe(NOW - 3600 + 20 * 60); // last known bucket ends where the gap starts
    expect(pts[gapAt + 1]?.x).toBe(NOW - 3600 + 30 * 60); // the next known bucket starts where it ends
    expect(pts.filter((p) => Number.isNaN(p.y))).toHaveLength(1);
  });

  it('legend stats are last/min/max/avg of the known values in the window', () => {
    const data = table(NOW - 3600, 600, { v: [4, Number.NaN, 1, 7, 3, Number.NaN] });
    const spec = buildChartSpec(opts({}), data, NOW);
    expect(spec.legend[0]?.stats).toEqual({ last: 3, min: 1, max: 7, avg: 15 / 4 });
    expect(spec.noData).toBe(false);
  });

  it('flags a window with nothing known', () => {
    const data = table(NOW - 3600, 60, { v: range(60, () => Number.NaN) });
    const spec = buildChartSpec(opts({}), data, NOW);
    expect(spec.noData).toBe(true);
    expect(Number.isNaN(spec.legend[0]!.stats.last)).toBe(true);
    expect(spec.config.data.datasets[0]?.data).toEqual([]);
  });

  it('shows exactly [now - period, now] and sizes the plot like rrdtool (width × height)', () => {
    const spec = buildChartSpec(opts({ width: 400, height: 100, period: '30m' }), table(NOW - 7200, 5, { v: [1] }), NOW);
    expect(spec.config.options?.scales?.x).toMatchObject({ min: NOW - 1800, max: NOW });
    expect(spec.layout.plot).toMatchObject({ width: 400, height: 100 });
    expect(spec.layout.canvasWidth).toBeGreaterThan(400);
    expect(spec.layout.canvasHeight).toBeGreaterThan(100 + 2 * 16);
  });

  it('only keeps rows that overlap the window', () => {
    // Two hours of data, one hour shown: the first hour's big values are outside.
    const data = table(NOW - 7200, 60, { v: range(120, (i) => (i < 60 ? 1000 : 1)) });
    const spec = buildChartSpec(opts({}), data, NOW);
    expect(spec.legend[0]?.stats.max).toBe(1);
  });

  it('y axis: zero-based for non-negative LINE data near zero, autoscaled for a narrow band', () => {
    const near = buildChartSpec(opts({}), table(NOW - 3600, 60, { v: range(60, (i) => i) }), NOW);
    expect(near.config.options?.scales?.y).toMatchObject({ beginAtZero: true });
    const band = buildChartSpec(opts({}), table(NOW - 3600, 60, { v: range(60, (i) => 60 + (i % 5)) }), NOW);
    expect(band.config.options?.scales?.y).toMatchObject({ beginAtZero: false });
  });
});

describe('consolidateToPixels', () => {
  it('uses the consolidation function over known rows and aligns buckets to epoch multiples', () => {
    const data = table(1000, 10, { v: [1, 2, Number.NaN, 4, 5, 6] }); // rows end at 1010..1060
    const col = data.columns[0]!;
    const avg = consolidateToPixels(data, col, 1000, 1060, 3, 'AVERAGE');
    expect([...avg.edges]).toEqual([1000, 1020, 1040, 1060]);
    expect([...avg.values]).toEqual([1.5, 4, 5.5]);
    expect([...consolidateToPixels(data, col, 1000, 1060, 3, 'MAX').values]).toEqual([2, 4, 6]);
    expect([...consolidateToPixels(data, col, 1000, 1060, 3, 'MIN').values]).toEqual([1, 4, 5]);
    expect([...consolidateToPixels(data, col, 1000, 1060, 3, 'LAST').values]).toEqual([2, 4, 6]);
  });

  it('a bucket with no known row stays unknown', () => {
    const data = table(0, 10, { v: [Number.NaN, Number.NaN, 3, 3] });
    const px = consolidateToPixels(data, data.columns[0]!, 0, 40, 2, 'AVERAGE');
    expect(Number.isNaN(px.values[0]!)).toBe(true);
    expect(px.values[1]).toBe(3);
  });

  it('seriesStats over an all-unknown column is NaN', () => {
    const data = table(0, 10, { v: [Number.NaN] });
    expect(Number.isNaN(seriesStats(data, data.columns[0]!, 0, 10).avg)).toBe(true);
  });
});

describe('stepPoints', () => {
  it('clips buckets to the window: a point per bucket start and one at the end of the run', () => {
    const pts = stepPoints(Float64Array.from([0, 10, 20]), Float64Array.from([1, 2]), 5, 15);
    expect(pts).toEqual([
      { x: 5, y: 1 },
      { x: 10, y: 2 },
      { x: 15, y: 2 },
    ]);
  });

  it('ends each run of known buckets before a gap, which is one NaN point', () => {
    const pts = stepPoints(Float64Array.from([0, 10, 20, 30, 40]), Float64Array.from([1, Number.NaN, Number.NaN, 4]), 0, 40);
    expect(pts).toEqual([
      { x: 0, y: 1 },
      { x: 10, y: 1 },
      { x: 10, y: Number.NaN },
      { x: 30, y: 4 },
      { x: 40, y: 4 },
    ]);
  });
});

describe('time axis', () => {
  it('one hour: ticks on whole 10 minutes, HH:MM', () => {
    const t = timeTicks(NOW - 3600, NOW, 600);
    expect(t.style).toBe('clock');
    expect(t.values.every((v) => v % t.step === 0)).toBe(true);
    expect(t.values.length).toBeGreaterThanOrEqual(4);
    expect(t.values.length).toBeLessThanOrEqual(10);
    expect(formatTimeLabel(t.values[0]!, t.style)).toMatch(/^\d\d:\d0$/);
  });

  it('one day: hourly-or-coarser ticks; a month: dates', () => {
    const day = timeTicks(NOW - 86_400, NOW, 600);
    expect(day.step).toBeGreaterThanOrEqual(3600);
    expect(day.values.length).toBeLessThanOrEqual(10);
    const month = timeTicks(NOW - 30 * 86_400, NOW, 600);
    expect(month.style).toBe('date');
    expect(formatTimeLabel(month.values[0]!, month.style)).toMatch(/^[A-Z][a-z]{2} \d{1,2}$/);
    const week = timeTicks(NOW - 7 * 86_400, NOW, 600);
    expect(formatTimeLabel(week.values[0]!, week.style)).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2}$/);
  });
});

describe('header stamp', () => {
  it('names the end time with its zone', () => {
    const spec = buildChartSpec(opts({ period: '2h' }), table(NOW - 7200, 60, { v: [1] }), NOW);
    expect(spec.subtitle).toBe('last 2h to 2023-11-14 22:13 UTC');
  });
});

describe('number formatting', () => {
  it.each([
    [0, '0'],
    [0.5, '0.50'],
    [0.0042, '4.20 m'],
    [0.000012, '12.0 µ'],
    [1, '1.00'],
    [12.345, '12.3'],
    [999, '999'],
    [1234, '1.23 k'],
    [2_500_000, '2.50 M'],
    [-42, '-42.0'],
    [Number.NaN, 'n/a'],
  ])('formatSi(%d) = %s', (v, s) => {
    expect(formatSi(v)).toBe(s);
  });

  it('ticks drop trailing zeros', () => {
    expect(formatTick(2000)).toBe('2 k');
    expect(formatTick(1500)).toBe('1.5 k');
    expect(formatTick(0.2)).toBe('0.2');
    expect(formatTick(0.002)).toBe('2 m');
    expect(formatTick(40)).toBe('40');
  });
});

describe('legend: what is drawn', () => {
  it('min/max/avg are those of the drawn points, and the note says what a point is', () => {
    // A day of 5 s rows, flat at 10 with one 5 s spike to 100: drawn at 600 px, each point
    // averages ~29 rows, so the spike shows as ~13, and the legend says so.
    const data = table(NOW - 86_400, 5, { v: range(17_280, (i) => (i === 9000 ? 100 : 10)) });
    const spec = buildChartSpec(opts({ period: '1d' }), data, NOW);
    const drawn = (spec.config.data.datasets[0]?.data ?? []).map((p) => p.y).filter((y) => !Number.isNaN(y));
    const row = spec.legend[0]!;
    expect(row.stats.max).toBeCloseTo(Math.max(...drawn), 10);
    expect(row.stats.min).toBeCloseTo(Math.min(...drawn), 10);
    expect(row.stats.max).toBeLessThan(100);
    expect(row.stats.avg).toBeCloseTo(10 + 90 / 17_280, 2);
    expect(spec.legendNote).toBe('each point: average of 2m25s'); // 29 rows of 5 s
    // One row per pixel or more: the note names the row itself.
    const hour = buildChartSpec(opts({ period: '1h', cf: 'MAX' }), table(NOW - 3600, 10, { v: range(360, () => 1) }), NOW);
    expect(hour.legendNote).toBe('each point: maximum of 10s');
  });

  it("STACK: each field's own values, not the stacked sums", () => {
    const data = table(NOW - 3600, 5, { a: range(720, () => 1), b: range(720, () => 2) });
    const spec = buildChartSpec(opts({ method: 'STACK' }), data, NOW);
    expect(spec.legend.map((r) => [r.stats.min, r.stats.max])).toEqual([[1, 1], [2, 2]]);
  });
});
