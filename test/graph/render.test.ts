import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChartSpec } from '../../src/graph/chart-spec.js';
import { graphFontFamily } from '../../src/graph/fonts.js';
import { parseGraphOptions } from '../../src/graph/options.js';
import { hexToRgb } from '../../src/graph/palette.js';
import { renderChartSpec } from '../../src/graph/render.js';
import { fetchWindow, renderGraph, renderGraphFile } from '../../src/graph/render-graph.js';
import { RrdFile } from '../../src/timeseries/rrd/index.js';
import { writeGraph } from '../../src/graph/write-graph.js';
import type { FetchedSeries, GraphDataSource } from '../../src/graph/series.js';
import { range, table } from './table.js';

const NOW = 1_699_999_200; // a whole hour
let dir: string;
beforeAll(async () => {
  process.env.TZ = 'UTC';
  dir = await mkdtemp(join(tmpdir(), 'pb-graph-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const opts = (raw: Record<string, unknown>) => parseGraphOptions({ path: join(dir, 'g.png'), ...raw }, 'graph');

function decode(png: Buffer): PNG {
  return PNG.sync.read(png);
}

function pixel(img: PNG, x: number, y: number): [number, number, number] {
  const i = (img.width * y + x) * 4;
  return [img.data[i] ?? 0, img.data[i + 1] ?? 0, img.data[i + 2] ?? 0];
}

function near(a: readonly number[], b: readonly number[], tol = 12): boolean {
  return a.every((v, i) => Math.abs(v - (b[i] ?? 0)) <= tol);
}

/** `p` is `rgb` drawn over white with coverage ≥ 40 % (anti-aliased line pixels count). */
function tinted(p: readonly number[], rgb: readonly number[], tol = 10): boolean {
  let k = 0;
  for (let i = 1; i < 3; i++) if (255 - (rgb[i] ?? 0) > 255 - (rgb[k] ?? 0)) k = i;
  const alpha = (255 - (p[k] ?? 0)) / (255 - (rgb[k] ?? 0));
  if (alpha < 0.4 || alpha > 1.05) return false;
  return p.every((v, i) => Math.abs(v - (255 - alpha * (255 - (rgb[i] ?? 0)))) <= tol);
}

/** Columns x in [x0, x1) where some pixel is close to `rgb` (or, with `blend`, tinted by it). */
function columnsWith(
  img: PNG,
  rgb: readonly number[],
  x0: number,
  x1: number,
  y0: number,
  y1: number,
  tol = 12,
  blend = false,
): Set<number> {
  const cols = new Set<number>();
  for (let x = x0; x < x1; x++) {
    for (let y = y0; y < y1; y++) {
      const p = pixel(img, x, y);
      if (blend ? tinted(p, rgb) : near(p, rgb, tol)) {
        cols.add(x);
        break;
      }
    }
  }
  return cols;
}

describe('renderChartSpec / renderGraph', () => {
  it('makes a PNG whose plot area is exactly width × height', async () => {
    const o = opts({ width: 600, height: 200, title: 'Size' });
    const spec = buildChartSpec(o, table(NOW - 3600, 5, { v: range(720, (i) => i % 50) }), NOW, graphFontFamily());
    const { png, chartArea } = await renderChartSpec(spec);
    const img = decode(png);
    expect([img.width, img.height]).toEqual([spec.layout.canvasWidth, spec.layout.canvasHeight]);
    expect(chartArea.right - chartArea.left).toBe(600);
    expect(chartArea.bottom - chartArea.top).toBe(200);
    expect(chartArea.left).toBe(spec.layout.plot.left);
    expect(chartArea.top).toBe(spec.layout.plot.top);
  });

  it('draws the line colour where data is known and leaves the unknown stretch empty', async () => {
    // 60 one-minute rows; rows 20..29 unknown → a gap over the middle sixth of the plot.
    const vals = range(60, (i) => (i >= 20 && i < 30 ? Number.NaN : 50 + (i % 7)));
    const o = opts({ width: 600, height: 200 });
    const spec = buildChartSpec(o, table(NOW - 3600, 60, { load: vals }), NOW, graphFontFamily());
    const { png, chartArea } = await renderChartSpec(spec);
    const img = decode(png);
    const line = hexToRgb('#CA442A');
    const cols = columnsWith(img, line, chartArea.left, chartArea.right, chartArea.top, chartArea.bottom, 0, true);
    const xOf = (t: number) => chartArea.left + ((t - (NOW - 3600)) / 3600) * 600;
    const gapFrom = Math.ceil(xOf(NOW - 3600 + 20 * 60)) + 2;
    const gapTo = Math.floor(xOf(NOW - 3600 + 30 * 60)) - 2;
    for (let x = gapFrom; x <= gapTo; x++) expect(cols.has(x), `column ${x} in the gap`).toBe(false);
    // Known stretches: the line colour is in (nearly) every column.
    let covered = 0;
    let total = 0;
    for (let x = chartArea.left + 2; x < gapFrom - 4; x++, total++) if (cols.has(x)) covered++;
    for (let x = gapTo + 4; x < chartArea.right - 2; x++, total++) if (cols.has(x)) covered++;
    expect(covered / total).toBeGreaterThan(0.97);
  });

  it('draws lines on the pixel grid, as rrdtool does: every line pixel is the exact line colour', async () => {
    // A noisy day at one point per pixel: with free-floating diagonals almost every line pixel
    // would be an anti-aliased blend (and the PNG twice the size); on the grid there are none.
    const vals = range(600, (i) => 40 + 25 * Math.sin(i / 40) + ((i * 7919) % 101) / 5);
    const spec = buildChartSpec(opts({ width: 600, height: 200 }), table(NOW - 86_400, 144, { v: vals }), NOW, graphFontFamily());
    const { png, chartArea } = await renderChartSpec(spec);
    const img = decode(png);
    const line = hexToRgb(spec.legend[0]?.color ?? '#000000');
    let exact = 0;
    let blended = 0;
    // Inside the plot, away from its border; grid lines are pale grey, not tinted by the line.
    for (let x = chartArea.left + 2; x < chartArea.right - 2; x++) {
      for (let y = chartArea.top + 2; y < chartArea.bottom - 2; y++) {
        const p = pixel(img, x, y);
        if (near(p, line, 0)) exact++;
        else if (tinted(p, line, 30) || tinted(p, line.map((c) => Math.round(c * 0.5 + 255 * 0.5)), 30)) blended++;
      }
    }
    expect(exact).toBeGreaterThan(1000);
    expect(blended).toBe(0);
  });

  it('AREA and STACK fill with the area palette below the data, white above', async () => {
    const data = table(NOW - 3600, 60, { a: range(60, () => 10), b: range(60, () => 7) });
    for (const method of ['STACK', 'AREA'] as const) {
      const spec = buildChartSpec(opts({ method }), data, NOW, graphFontFamily());
      const { png, chartArea } = await renderChartSpec(spec);
      const img = decode(png);
      const midX = Math.round((chartArea.left + chartArea.right) / 2) + 3;
      const bottom = chartArea.bottom - 3;
      if (method === 'STACK') {
        // First layer (#EA644A) at the bottom; second (#EC9D48) above it; white near the top.
        expect(near(pixel(img, midX, bottom), hexToRgb('#EA644A'))).toBe(true);
        // Somewhere between the bottom and the top the second colour shows.
        const column: [number, number, number][] = [];
        for (let y = chartArea.top + 1; y < chartArea.bottom; y++) column.push(pixel(img, midX, y));
        expect(column.some((p) => near(p, hexToRgb('#EC9D48')))).toBe(true);
        expect(near(pixel(img, midX, chartArea.top + 2), [255, 255, 255], 30)).toBe(true);
      } else {
        // 55 % of #EC9D48 over 55 % of #EA644A over white, where both areas overlap.
        const [r1, g1, b1] = hexToRgb('#EA644A');
        const [r2, g2, b2] = hexToRgb('#EC9D48');
        const mix = (c1: number, c2: number) => 0.55 * c2 + 0.45 * (0.55 * c1 + 0.45 * 255);
        // Later fields are drawn over earlier ones, as rrdtool does.
        expect(near(pixel(img, midX, bottom), [mix(r1, r2), mix(g1, g2), mix(b1, b2)], 4)).toBe(true);
      }
    }
  });

  it('uses a real font: glyphs have their own widths (missing-glyph boxes are all alike)', () => {
    const family = graphFontFamily();
    const ctx = createCanvas(10, 10).getContext('2d');
    ctx.font = `12px "${family}"`;
    const narrow = ctx.measureText('iiiiiiii').width;
    const wide = ctx.measureText('WWWWWWWW').width;
    expect(narrow).toBeGreaterThan(0);
    expect(narrow).toBeLessThan(wide * 0.5);
    expect(ctx.measureText('µ°…').width).toBeGreaterThan(0);
  });

  it('renders text (title, axes, legend) in dark pixels, not empty boxes', async () => {
    const spec = buildChartSpec(opts({ title: 'Load average' }), table(NOW - 3600, 60, { v: range(60, () => 1) }), NOW, graphFontFamily());
    const { png, chartArea } = await renderChartSpec(spec);
    const img = decode(png);
    // Title band: dark glyph pixels appear, spread over several columns (a box would be 2 edges).
    const dark = columnsWith(img, [0x33, 0x33, 0x33], chartArea.left, chartArea.left + 120, 4, 26, 60);
    expect(dark.size).toBeGreaterThan(40);
    // Legend rows under the x axis have text too.
    const legendTop = spec.layout.legendTop;
    const legendText = columnsWith(img, [0x33, 0x33, 0x33], chartArea.left + 14, chartArea.left + 300, legendTop, img.height, 60);
    expect(legendText.size).toBeGreaterThan(30);
  });

  it('renderGraph reads a real round-robin file at one row per pixel and draws its data', async () => {
    // Two hours of 10 s data with the middle 20 minutes of the last hour unknown.
    const file = await RrdFile.create(join(dir, 'real.rrd'), {
      step: 10,
      start: NOW - 7200,
      ds: [{ name: 'load', type: 'GAUGE', heartbeat: 20 }],
      rra: [
        { cf: 'AVERAGE', xff: 0.5, steps: 1, rows: 1000 },
        { cf: 'AVERAGE', xff: 0.5, steps: 30, rows: 100 },
      ],
    });
    const samples = [];
    for (let t = NOW - 7190; t <= NOW; t += 10) {
      const unknown = t > NOW - 2400 && t <= NOW - 1200;
      samples.push({ time: t, values: { load: unknown ? null : 5 + Math.sin(t / 300) } });
    }
    await file.update(samples);
    const calls: unknown[] = [];
    const recording: GraphDataSource = {
      fetch(o) {
        calls.push(o);
        return file.fetch(o);
      },
    };
    const o = opts({ period: '1h' });
    const spec = buildChartSpec(o, fetchWindow(recording, o, NOW + 0.7), NOW, graphFontFamily());
    expect(calls).toEqual([{ cf: 'AVERAGE', start: NOW - 3600, end: NOW, resolution: 6 }]);
    const { png, chartArea } = await renderChartSpec(spec);
    const img = decode(png);
    const cols = columnsWith(img, hexToRgb('#CA442A'), chartArea.left, chartArea.right, chartArea.top, chartArea.bottom, 0, true);
    const xOf = (t: number) => chartArea.left + ((t - (NOW - 3600)) / 3600) * 600;
    for (let x = Math.ceil(xOf(NOW - 2400)) + 3; x < Math.floor(xOf(NOW - 1200)) - 3; x++) expect(cols.has(x)).toBe(false);
    expect(cols.size).toBeGreaterThan(600 * (2 / 3) * 0.95);
    expect(spec.legend[0]!.stats.max).toBeLessThanOrEqual(6);
    expect(spec.legend[0]!.stats.min).toBeGreaterThanOrEqual(4);
    await file.close();
    // renderGraph is the same path end to end.
    const reopened = await RrdFile.open(join(dir, 'real.rrd'));
    expect(decode(await renderGraph(reopened, o, NOW)).width).toBe(spec.layout.canvasWidth);
    await reopened.close();
  });

  it('renderGraph rejects a time in milliseconds (a Clock.now() passed as is)', async () => {
    const data = table(NOW - 3600, 60, { v: [1] });
    await expect(renderGraph(data, opts({}), NOW * 1000)).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
  });

  it('renderGraphFile writes the PNG to options.path', async () => {
    const o = opts({ title: 'file' });
    await renderGraphFile(table(NOW - 3600, 60, { v: range(60, (i) => i) }), o, NOW);
    expect(decode(await readFile(o.path)).width).toBeGreaterThan(600);
  });

  it('renderGraph rejects fields the file does not have', async () => {
    const data: FetchedSeries = table(NOW - 3600, 60, { v: [1] });
    await expect(renderGraph(data, opts({ fields: ['nope'] }), NOW)).rejects.toMatchObject({ code: 'PB_ERR_VALIDATION' });
  });
});

describe('writeGraph', () => {
  it('replaces the file atomically: a concurrent reader only ever sees a complete PNG', async () => {
    const target = join(dir, 'atomic.png');
    const a = await renderGraph(table(NOW - 3600, 60, { v: range(60, (i) => i) }), opts({ title: 'A' }), NOW);
    const b = await renderGraph(table(NOW - 3600, 60, { v: range(60, (i) => 60 - i) }), opts({ title: 'B', width: 900 }), NOW);
    await writeGraph(target, a);
    let writing = true;
    let reads = 0;
    const reader = (async () => {
      while (writing) {
        const bytes = await readFile(target);
        expect(bytes.equals(a) || bytes.equals(b)).toBe(true);
        reads++;
      }
    })();
    for (let i = 0; i < 40; i++) await writeGraph(target, i % 2 === 0 ? b : a);
    writing = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('creates missing folders, and on failure leaves no temporary file behind', async () => {
    await writeGraph(join(dir, 'sub', 'deeper', 'x.png'), Buffer.from('png'));
    expect(await readFile(join(dir, 'sub', 'deeper', 'x.png'), 'utf8')).toBe('png');
    // The target is a non-empty directory: rename must fail.
    const blocked = join(dir, 'blocked.png');
    await mkdir(blocked);
    await writeFile(join(blocked, 'keep'), 'x');
    await expect(writeGraph(blocked, Buffer.from('png'))).rejects.toMatchObject({ code: 'PB_ERR_GRAPH' });
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('concurrent renders', () => {
  it('share a canvas safely: each PNG equals the same render done alone', async () => {
    const specs = [0, 1, 2, 3].map((k) =>
      buildChartSpec(opts({ title: `series ${k}` }), table(NOW - 3600, 60, { v: range(60, (i) => (i * (k + 1)) % 17) }), NOW, graphFontFamily()),
    );
    const alone: Buffer[] = [];
    for (const s of specs) alone.push((await renderChartSpec(s)).png);
    const together = await Promise.all(specs.map((s) => renderChartSpec(s)));
    together.forEach((r, k) => expect(r.png.equals(alone[k]!)).toBe(true));
    expect(alone[0]!.equals(alone[1]!)).toBe(false);
  });
});
