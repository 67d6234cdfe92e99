/**
 * Drawing a `ChartSpec` with Chart.js 4 onto an @napi-rs/canvas and encoding it as PNG.
 * Chart.js runs without a DOM when handed a canvas: its BasicPlatform is chosen, and with
 * animation and responsiveness off the constructor lays out and draws synchronously.
 */
import { createCanvas } from '@napi-rs/canvas';
import type { Canvas, SKRSContext2D } from '@napi-rs/canvas';
import { Chart, Filler, LineController, LineElement, LinearScale, PointElement } from 'chart.js';
import type { ChartItem, Plugin } from 'chart.js';
import { RuntimeFailure } from '../core/errors.js';
import { GRAPH_COLORS } from './chart-spec.js';
import type { ChartSpec } from './chart-spec.js';
import { formatSi } from './format-number.js';
import { encodeRgbaPng } from './png-encode.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, Filler);

export interface RenderedChart {
  readonly png: Buffer;
  /** Where Chart.js put the plot, for tests and callers that annotate. */
  readonly chartArea: { left: number; top: number; right: number; bottom: number };
}

// One canvas per size, reused: allocating a Skia surface per render costs more than the drawing.
const canvases = new Map<string, Canvas>();

function canvasFor(width: number, height: number): Canvas {
  const key = `${width}x${height}`;
  let c = canvases.get(key);
  if (!c) {
    if (canvases.size > 8) canvases.clear();
    c = createCanvas(width, height);
    canvases.set(key, c);
  }
  return c;
}

export async function renderChartSpec(spec: ChartSpec): Promise<RenderedChart> {
  return renderChartSpecSync(spec);
}

/** The same, synchronously (the whole render is CPU work on this thread). */
export function renderChartSpecSync(spec: ChartSpec): RenderedChart {
  const { canvasWidth, canvasHeight } = spec.layout;
  const canvas = canvasFor(canvasWidth, canvasHeight);
  let chart: Chart<'line', { x: number; y: number }[]> | undefined;
  try {
    chart = new Chart(canvas as unknown as ChartItem, {
      ...spec.config,
      plugins: [pixelGridPlugin, decorPlugin(spec)],
    });
    const area = chart.chartArea;
    const chartArea = { left: area.left, top: area.top, right: area.right, bottom: area.bottom };
    // All synchronous from construction to encoding, so renders sharing this canvas never interleave.
    const png = encodeRgbaPng(canvas.data(), canvasWidth, canvasHeight);
    return { png, chartArea };
  } catch (e) {
    throw new RuntimeFailure('PB_ERR_GRAPH', `rendering the graph failed: ${(e as Error).message}`, { cause: e });
  } finally {
    chart?.destroy();
  }
}

/**
 * Lines on the pixel grid, as rrdtool draws them: every point moves to the centre of its pixel,
 * and the datasets are drawn as steps (across, then up or down), so a line covers whole pixels in
 * its exact colour instead of anti-aliased diagonals: crisper, and a PNG with far fewer distinct
 * colours for deflate (about half the bytes). When two points land in one pixel column the
 * earlier takes the later's value, so the step never turns back on itself inside the column (a
 * 180° turn is bevelled flat and leaves its tip pixel half covered); only a spike narrower than a
 * pixel is lost, as in rrdtool, which draws one value per column.
 */
const pixelGridPlugin: Plugin<'line'> = {
  id: 'procblockPixelGrid',
  afterDatasetsUpdate(chart) {
    for (let i = 0; i < chart.data.datasets.length; i++) {
      const points = chart.getDatasetMeta(i).data as unknown as { x: number; y: number; skip?: boolean }[];
      let prev: (typeof points)[number] | undefined;
      for (const p of points) {
        if (Number.isFinite(p.x)) p.x = Math.floor(p.x) + 0.5;
        if (Number.isFinite(p.y)) p.y = Math.floor(p.y) + 0.5;
        if (prev && !prev.skip && !p.skip && prev.x === p.x) prev.y = p.y;
        prev = p;
      }
    }
  },
};

/** Background, header, "no data" notice and the legend table: the parts Chart.js does not draw. */
function decorPlugin(spec: ChartSpec): Plugin<'line'> {
  return {
    id: 'procblockDecor',
    beforeDraw(chart) {
      const ctx = chart.ctx as unknown as SKRSContext2D;
      ctx.save();
      ctx.fillStyle = GRAPH_COLORS.background;
      ctx.fillRect(0, 0, chart.width, chart.height);
      ctx.restore();
    },
    afterDraw(chart) {
      const ctx = chart.ctx as unknown as SKRSContext2D;
      ctx.save();
      drawHeader(ctx, spec);
      if (spec.noData) drawNoData(ctx, spec, chart.chartArea);
      drawVerticalLabel(ctx, spec, chart);
      drawLegend(ctx, spec);
      ctx.restore();
    },
  };
}

function drawHeader(ctx: SKRSContext2D, spec: ChartSpec): void {
  const y = 19;
  ctx.textBaseline = 'alphabetic';
  ctx.fillStyle = GRAPH_COLORS.muted;
  ctx.font = `10px "${spec.fontFamily}"`;
  ctx.textAlign = 'right';
  const right = spec.layout.plot.left + spec.layout.plot.width;
  ctx.fillText(spec.subtitle, right, y);
  const subWidth = ctx.measureText(spec.subtitle).width;
  if (spec.title) {
    ctx.fillStyle = GRAPH_COLORS.text;
    ctx.font = `bold 13px "${spec.fontFamily}"`;
    ctx.textAlign = 'left';
    const maxWidth = Math.max(40, right - spec.layout.plot.left - subWidth - 16);
    ctx.fillText(ellipsize(ctx, spec.title, maxWidth), spec.layout.plot.left, y);
  }
}

function drawNoData(ctx: SKRSContext2D, spec: ChartSpec, area: { left: number; right: number; top: number; bottom: number }): void {
  ctx.fillStyle = GRAPH_COLORS.muted;
  ctx.font = `12px "${spec.fontFamily}"`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText('no data in this period', (area.left + area.right) / 2, (area.top + area.bottom) / 2);
}

/** The y-axis label, rotated, a few pixels left of the widest tick label. */
function drawVerticalLabel(ctx: SKRSContext2D, spec: ChartSpec, chart: Chart<'line'>): void {
  if (!spec.verticalLabel) return;
  const y = chart.scales.y;
  if (!y) return;
  ctx.font = `10px "${spec.fontFamily}"`;
  let widest = 0;
  for (const t of y.ticks) widest = Math.max(widest, ctx.measureText(String(t.label ?? '')).width);
  // Tick mark (4) + tick padding (3) + labels + a gap of 6; never into the canvas margin.
  const x = Math.max(8, chart.chartArea.left - 4 - 3 - widest - 6 - 6);
  const mid = (chart.chartArea.top + chart.chartArea.bottom) / 2;
  ctx.save();
  ctx.translate(x, mid);
  ctx.rotate(-Math.PI / 2);
  ctx.fillStyle = GRAPH_COLORS.text;
  ctx.font = `11px "${spec.fontFamily}"`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(ellipsize(ctx, spec.verticalLabel, chart.chartArea.bottom - chart.chartArea.top), 0, 0);
  ctx.restore();
}

const STAT_KEYS = ['last', 'min', 'max', 'avg'] as const;

/** rrdtool-style legend: a swatch, the field name, then right-aligned last/min/max/avg columns. */
function drawLegend(ctx: SKRSContext2D, spec: ChartSpec): void {
  if (spec.legend.length === 0) return;
  const { plot, legendTop, rowHeight } = spec.layout;
  const font = `11px "${spec.fontFamily}"`;
  ctx.font = font;
  const swatch = 10;
  const nameX = plot.left + swatch + 6;
  const nameWidth = Math.max(...spec.legend.map((r) => ctx.measureText(r.name).width), 30);
  const cells = spec.legend.map((r) => STAT_KEYS.map((k) => formatSi(r.stats[k])));
  const colWidth = Math.max(
    56,
    ...cells.flat().map((t) => ctx.measureText(t).width + 14),
  );
  const firstColRight = nameX + nameWidth + 12 + colWidth;

  // Header row: column captions above the numbers.
  ctx.fillStyle = GRAPH_COLORS.muted;
  ctx.font = `10px "${spec.fontFamily}"`;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const headerY = legendTop + rowHeight / 2;
  STAT_KEYS.forEach((k, c) => ctx.fillText(k, firstColRight + c * colWidth, headerY));
  if (spec.legendNote) {
    // What one drawn point is, so min and max read as the graph's own extremes: right-aligned
    // at the plot's right edge, after the last column.
    const right = plot.left + plot.width;
    const room = right - (firstColRight + (STAT_KEYS.length - 1) * colWidth) - 16;
    if (room >= 40) {
      ctx.textAlign = 'right';
      ctx.fillText(ellipsize(ctx, spec.legendNote, room), right, headerY);
    }
  }

  spec.legend.forEach((row, r) => {
    const y = legendTop + (r + 1) * rowHeight + rowHeight / 2;
    ctx.fillStyle = row.color;
    ctx.fillRect(plot.left, Math.round(y - swatch / 2), swatch, swatch);
    ctx.strokeStyle = GRAPH_COLORS.axis;
    ctx.lineWidth = 1;
    ctx.strokeRect(plot.left + 0.5, Math.round(y - swatch / 2) + 0.5, swatch - 1, swatch - 1);
    ctx.fillStyle = GRAPH_COLORS.text;
    ctx.font = font;
    ctx.textAlign = 'left';
    ctx.fillText(row.name, nameX, y);
    ctx.textAlign = 'right';
    (cells[r] ?? []).forEach((t, c) => ctx.fillText(t, firstColRight + c * colWidth, y));
  });
}

function ellipsize(ctx: SKRSContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  let s = text;
  while (s.length > 1 && ctx.measureText(`${s}…`).width > maxWidth) s = s.slice(0, -1);
  return `${s}…`;
}
