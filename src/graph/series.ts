/**
 * What the graph needs from the round-robin store, stated structurally so the chart spec stays
 * pure and testable with hand-made tables: `RrdFile` satisfies `GraphDataSource`, and its
 * `FetchResult` satisfies `FetchedSeries`.
 */
import type { GraphCf } from './options.js';

export interface FetchedSeries {
  readonly start: number;
  readonly end: number;
  readonly step: number;
  readonly dsNames: readonly string[];
  readonly rows: number;
  /** Per DS; NaN = unknown. Row i covers the interval ending at `start + (i + 1) * step`. */
  readonly columns: readonly Float64Array[];
}

export interface GraphDataSource {
  fetch(opts: { cf: GraphCf; start: number; end: number; resolution?: number }): FetchedSeries;
}

/** One field's values after consolidation to the pixel width: bucket i covers (t[i], t[i+1]]. */
export interface PixelSeries {
  /** Bucket boundaries, length = buckets + 1 (epoch seconds). */
  readonly edges: Float64Array;
  /** Per bucket; NaN = unknown (drawn as a gap). */
  readonly values: Float64Array;
  /** Seconds one whole bucket covers: the resolution drawn (rows merged × the archive's step). */
  readonly bucketSeconds: number;
}

export interface SeriesStats {
  readonly last: number;
  readonly min: number;
  readonly max: number;
  readonly avg: number;
}

/**
 * The rows of `column` whose interval overlaps `[from, to]`, merged into at most `maxBuckets`
 * buckets with `cf` (AVERAGE/MIN/MAX/LAST over the known rows). A bucket with no known row
 * stays unknown: gaps are gaps, never zeros.
 */
export function consolidateToPixels(
  data: FetchedSeries,
  column: Float64Array,
  from: number,
  to: number,
  maxBuckets: number,
  cf: GraphCf,
): PixelSeries {
  const [first, last] = rowRange(data, from, to);
  const n = Math.max(0, last - first);
  const per = Math.max(1, Math.ceil(n / Math.max(1, maxBuckets)));
  // Buckets are aligned to multiples of their width in epoch time, so successive re-renders
  // merge the same rows together and the picture does not shimmer as time advances.
  const width = per * data.step;
  // Rows of a real store start on multiples of the step; keep any other phase too.
  const phase = ((data.start % data.step) + data.step) % data.step;
  const edgeList: number[] = [];
  const valueList: number[] = [];
  let r = first;
  while (r < last) {
    const rowStart = data.start + r * data.step;
    const bucketStart = phase + Math.floor((rowStart - phase) / width) * width;
    const bucketEnd = bucketStart + width;
    let acc = Number.NaN;
    let count = 0;
    for (; r < last && data.start + r * data.step < bucketEnd; r++) {
      const v = column[r] ?? Number.NaN;
      if (Number.isNaN(v)) continue;
      if (count === 0) acc = v;
      else if (cf === 'AVERAGE') acc += v;
      else if (cf === 'MIN') acc = v < acc ? v : acc;
      else if (cf === 'MAX') acc = v > acc ? v : acc;
      else acc = v;
      count++;
    }
    edgeList.push(Math.max(bucketStart, data.start + first * data.step));
    valueList.push(cf === 'AVERAGE' && count > 0 ? acc / count : acc);
  }
  edgeList.push(n > 0 ? data.start + last * data.step : from);
  return { edges: Float64Array.from(edgeList), values: Float64Array.from(valueList), bucketSeconds: width };
}

/**
 * last/min/max/avg of what is drawn: the known buckets of `px` clipped to `[from, to]`. min and
 * max are the lowest and highest points on the graph; avg weighs each bucket by the time it
 * covers in the window. NaN when nothing is known.
 */
export function drawnStats(px: PixelSeries, from: number, to: number): SeriesStats {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let weighted = 0;
  let seconds = 0;
  let last = Number.NaN;
  for (let b = 0; b < px.values.length; b++) {
    const v = px.values[b] ?? Number.NaN;
    const width = Math.min(to, px.edges[b + 1] ?? to) - Math.max(from, px.edges[b] ?? from);
    if (Number.isNaN(v) || width <= 0) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    weighted += v * width;
    seconds += width;
    last = v;
  }
  if (seconds === 0) return { last: Number.NaN, min: Number.NaN, max: Number.NaN, avg: Number.NaN };
  return { last, min, max, avg: weighted / seconds };
}

/** last/min/max/avg of the known rows overlapping `[from, to]`; NaN when none is known. */
export function seriesStats(data: FetchedSeries, column: Float64Array, from: number, to: number): SeriesStats {
  const [first, last] = rowRange(data, from, to);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let count = 0;
  let lastKnown = Number.NaN;
  for (let r = first; r < last; r++) {
    const v = column[r] ?? Number.NaN;
    if (Number.isNaN(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    count++;
    lastKnown = v;
  }
  if (count === 0) return { last: Number.NaN, min: Number.NaN, max: Number.NaN, avg: Number.NaN };
  return { last: lastKnown, min, max, avg: sum / count };
}

/** Half-open row index range [first, last) of rows whose interval overlaps (from, to]. */
function rowRange(data: FetchedSeries, from: number, to: number): [number, number] {
  if (data.step <= 0 || data.rows <= 0) return [0, 0];
  // Row i spans (start + i*step, start + (i+1)*step].
  const first = Math.max(0, Math.floor((from - data.start) / data.step));
  const last = Math.min(data.rows, Math.ceil((to - data.start) / data.step));
  return [first, Math.max(first, last)];
}
