import type { FetchedSeries } from '../../src/graph/series.js';

/** A hand-made fetch result: `cols` maps DS name → per-row values (NaN = unknown). */
export function table(start: number, step: number, cols: Record<string, number[]>): FetchedSeries {
  const dsNames = Object.keys(cols);
  const rows = Math.max(0, ...dsNames.map((n) => cols[n]?.length ?? 0));
  return {
    start,
    end: start + rows * step,
    step,
    dsNames,
    rows,
    columns: dsNames.map((n) => Float64Array.from(cols[n] ?? [])),
  };
}

export function range(n: number, f: (i: number) => number): number[] {
  return Array.from({ length: n }, (_, i) => f(i));
}
