/**
 * The pure half of graphing: (options, fetched table, now) → a Chart.js configuration plus what
 * the renderer draws around it (title, legend table). No canvas, no I/O, no clock: tests call it
 * with tables they build by hand.
 *
 * Choices the spec leaves open (all listed in docs/graphs.md):
 * - Each consolidated value is drawn as a flat step over the interval it covers (two points per
 *   bucket), as rrdtool does; an unknown bucket breaks the line and the fill (a gap, never 0).
 *   Buckets narrower than 2 px are one point at their middle (a step would not show).
 * - LINE is 1 px wide, like rrdtool's LINE1: dense data stays readable (and Skia draws hairlines
 *   several times faster than wider strokes).
 * - STACK is summed here, not by Chart.js, so steps line up exactly; an unknown value leaves a
 *   gap in its own layer and counts as 0 for the layers above it.
 * - Later fields are drawn over earlier ones, as rrdtool does (Chart.js's default is the reverse).
 * - AREA fills each field from zero at 55 % opacity with a 1 px outline so overlapping fields
 *   stay visible; STACK layers are opaque (they never overlap).
 * - The y axis starts at zero for AREA/STACK, and for LINE when the data's minimum is ≥ 0 and
 *   no more than half its maximum; otherwise it autoscales around the data.
 * - The legend's last/min/max/avg describe what is drawn (the consolidated points, each field's
 *   own values, not the stacked sums), and a note under the caption says what one point is
 *   (`each point: average of 2m`), so the max in the legend is the highest point on the graph.
 */
import type { ChartConfiguration, Scale } from 'chart.js';
import { formatTick } from './format-number.js';
import type { GraphOptions } from './options.js';
import { PAD, RIGHT_PAD, X_AXIS_HEIGHT, computeLayout } from './layout.js';
import type { ChartLayout } from './layout.js';
import { seriesColors, withAlpha } from './palette.js';
import { formatDuration } from './period.js';
import { consolidateToPixels, drawnStats } from './series.js';
import type { FetchedSeries, SeriesStats } from './series.js';
import { formatStamp, formatTimeLabel, timeTicks } from './time-axis.js';

export interface ChartPoint {
  x: number;
  y: number;
}

export interface LegendRow {
  readonly name: string;
  /** Swatch colour. */
  readonly color: string;
  readonly stats: SeriesStats;
}

export interface ChartSpec {
  readonly config: ChartConfiguration<'line', ChartPoint[]>;
  readonly layout: ChartLayout;
  readonly title: string;
  /** Right-hand side of the header: span and end time. */
  readonly subtitle: string;
  /** Drawn rotated, just left of the y tick labels (the renderer knows how wide they came out). */
  readonly verticalLabel: string | undefined;
  readonly legend: readonly LegendRow[];
  /** What one drawn point is, under the legend's caption row: `each point: average of 2m`. */
  readonly legendNote: string;
  /** Nothing known in the window: the renderer says so over the plot. */
  readonly noData: boolean;
  readonly fontFamily: string;
  /** The window drawn, epoch seconds. */
  readonly from: number;
  readonly to: number;
}

export const DEFAULT_FONT_FAMILY = 'DejaVu Sans';

export const GRAPH_COLORS = Object.freeze({
  background: '#FFFFFF',
  grid: '#E4E4E4',
  axis: '#9A9A9A',
  text: '#333333',
  muted: '#777777',
});

/**
 * Build the chart for `opts` from `data` (a fetch covering at least the window), ending at
 * `nowSeconds` (epoch seconds). Throws nothing: unknown fields are the caller's check.
 */
export function buildChartSpec(
  opts: GraphOptions,
  data: FetchedSeries,
  nowSeconds: number,
  fontFamily: string = DEFAULT_FONT_FAMILY,
): ChartSpec {
  const to = Math.floor(nowSeconds);
  const from = to - opts.period;
  const names = opts.fields ?? data.dsNames;

  const legend: LegendRow[] = [];
  const datasets: ChartConfiguration<'line', ChartPoint[]>['data']['datasets'] = [];
  let stackBase: PixelStack | undefined;
  let anyKnown = false;
  let dataMin = Number.POSITIVE_INFINITY;
  let dataMax = Number.NEGATIVE_INFINITY;
  let resolution = 0;

  names.forEach((name, i) => {
    const col = data.columns[data.dsNames.indexOf(name)] ?? new Float64Array(data.rows).fill(Number.NaN);
    const px = consolidateToPixels(data, col, from, to, opts.width, opts.cf);
    const colors = seriesColors(i, opts.colors);
    const stats = drawnStats(px, from, to);
    resolution = Math.max(resolution, px.bucketSeconds);
    if (!Number.isNaN(stats.last)) anyKnown = true;

    let values = px.values;
    if (opts.method === 'STACK') {
      const base: Float64Array = stackBase?.sums ?? new Float64Array(values.length);
      const sums = new Float64Array(values.length);
      const drawn = new Float64Array(values.length);
      for (let b = 0; b < values.length; b++) {
        const v = values[b] ?? Number.NaN;
        const under = base[b] ?? 0;
        sums[b] = Number.isNaN(v) ? under : under + v;
        drawn[b] = Number.isNaN(v) ? Number.NaN : under + v;
      }
      stackBase = { sums };
      values = drawn;
    }
    for (const v of values) {
      if (Number.isNaN(v)) continue;
      if (v < dataMin) dataMin = v;
      if (v > dataMax) dataMax = v;
    }

    const points = stepPoints(px.edges, values, from, to);
    legend.push({ name, color: opts.method === 'LINE' ? colors.line : colors.area, stats });
    const base = { label: name, data: points, order: -i, borderColor: colors.line, borderWidth: LINE_WIDTH };
    if (opts.method === 'LINE') datasets.push({ ...base, fill: false });
    else if (opts.method === 'AREA') datasets.push({ ...base, backgroundColor: withAlpha(colors.area, 0.55), fill: 'origin' });
    else datasets.push({ ...base, backgroundColor: colors.area, fill: i === 0 ? 'origin' : '-1' });
  });

  const layout = computeLayout(opts, legend.length);
  const ticks = timeTicks(from, to, opts.width);
  const beginAtZero =
    opts.method !== 'LINE' || !anyKnown || (dataMin >= 0 && dataMin <= dataMax / 2);
  const font = (size: number, weight: 'normal' | 'bold' = 'normal') => ({ family: fontFamily, size, weight });

  const config: ChartConfiguration<'line', ChartPoint[]> = {
    type: 'line',
    data: { datasets },
    options: {
      animation: false,
      responsive: false,
      maintainAspectRatio: false,
      devicePixelRatio: 1,
      parsing: false,
      normalized: true,
      spanGaps: false,
      events: [],
      elements: {
        point: { radius: 0, hitRadius: 0, hoverRadius: 0 },
        line: { tension: 0, stepped: 'before', borderJoinStyle: 'miter', capBezierPoints: false },
      },
      layout: {
        padding: {
          top: layout.plot.top,
          left: PAD,
          right: RIGHT_PAD,
          bottom: layout.canvasHeight - layout.plot.top - layout.plot.height - X_AXIS_HEIGHT,
        },
      },
      plugins: {
        legend: { display: false },
        title: { display: false },
        tooltip: { enabled: false },
      },
      scales: {
        x: {
          type: 'linear',
          min: from,
          max: to,
          grid: { color: GRAPH_COLORS.grid, tickColor: GRAPH_COLORS.axis, tickLength: 4 },
          border: { color: GRAPH_COLORS.axis },
          ticks: {
            autoSkip: false,
            maxRotation: 0,
            minRotation: 0,
            padding: 2,
            color: GRAPH_COLORS.text,
            font: font(10),
            callback: (value) => formatTimeLabel(Number(value), ticks.style),
          },
          afterBuildTicks: (scale: Scale) => {
            scale.ticks = ticks.values.map((value) => ({ value }));
          },
          afterFit: (scale: Scale) => {
            scale.height = X_AXIS_HEIGHT;
          },
        },
        y: {
          type: 'linear',
          beginAtZero,
          grace: opts.method === 'LINE' && anyKnown ? '4%' : 0,
          ...(anyKnown ? {} : { min: 0, max: 1 }),
          grid: { color: GRAPH_COLORS.grid, tickColor: GRAPH_COLORS.axis, tickLength: 4 },
          border: { color: GRAPH_COLORS.axis },
          ticks: {
            maxTicksLimit: Math.max(3, Math.floor(opts.height / 28) + 1),
            color: GRAPH_COLORS.text,
            font: font(10),
            padding: 3,
            callback: (value) => formatTick(Number(value)),
          },
          afterFit: (scale: Scale) => {
            scale.width = layout.plot.left - PAD;
          },
        },
      },
    },
  };

  return {
    config,
    layout,
    title: opts.title ?? '',
    subtitle: `last ${formatDuration(opts.period)} to ${formatStamp(to)}`,
    verticalLabel: opts.verticalLabel,
    legend,
    legendNote: resolution > 0 ? `each point: ${CF_WORDS[opts.cf]} of ${formatDuration(resolution)}` : '',
    noData: !anyKnown,
    fontFamily,
    from,
    to,
  };
}

/**
 * One pixel, drawn with mitred corners. Skia strokes a width of exactly 1 as a hairline, which
 * has no joins: every turn of a step line would leave its corner pixel three-quarters covered.
 * 1.001 covers the same pixels, corners included, and nothing beside them.
 */
const LINE_WIDTH = 1.001;

const CF_WORDS: Readonly<Record<GraphOptions['cf'], string>> = { AVERAGE: 'average', MIN: 'minimum', MAX: 'maximum', LAST: 'last value' };

interface PixelStack {
  readonly sums: Float64Array;
}

/**
 * Points for a step line: one at the start of each bucket (clipped to the window) holding the
 * bucket's value, which the chart draws as steps (`stepped: 'before'`: across to the next
 * point at this one's value, then up or down), and one at the end of each run of known buckets. An unknown bucket becomes
 * one NaN point, which Chart.js treats as a break in both line and fill.
 */
export function stepPoints(edges: Float64Array, values: Float64Array, from: number, to: number): ChartPoint[] {
  const points: ChartPoint[] = [];
  let open: ChartPoint | undefined; // the end of the run of known buckets being drawn
  for (let b = 0; b < values.length; b++) {
    const x0 = Math.max(from, edges[b] ?? from);
    const x1 = Math.min(to, edges[b + 1] ?? to);
    if (x1 <= x0) continue;
    const y = values[b] ?? Number.NaN;
    if (Number.isNaN(y)) {
      if (open) points.push(open, { x: x0, y: Number.NaN });
      open = undefined;
      continue;
    }
    points.push({ x: x0, y });
    open = { x: x1, y };
  }
  if (open) points.push(open);
  return points;
}
