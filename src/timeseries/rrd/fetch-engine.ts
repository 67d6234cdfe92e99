/** rrdtool 1.7's archive choice and row extraction (rrd_fetch.c `rrd_fetch_fn`); rows come from `readAged`. */
import { InputError } from '../../core/errors.js';
import type { ResolvedDefinition } from './definition.js';
import type { RrdState } from './state.js';
import type { ConsolidationFn, FetchOptions, FetchResult } from './types.js';

/** An archive of CF `have` can answer a fetch for `want`: same CF, or any of the four at 1 PDP per row. */
function answers(want: ConsolidationFn, have: ConsolidationFn, steps: number): boolean {
  return want === have || steps === 1;
}

/** Which archive rrdtool would read for this request (best full coverage, else best partial). */
export function chooseArchive(def: ResolvedDefinition, lastUp: number, opts: { cf: ConsolidationFn; start: number; end: number; resolution: number }): number {
  let bestFull = -1;
  let bestFullDiff = 0;
  let bestPart = -1;
  let bestPartDiff = 0;
  let bestMatch = 0;
  def.rra.forEach((r, i) => {
    if (!answers(opts.cf, r.cf, r.steps)) return;
    const span = r.steps * def.step;
    const calEnd = lastUp - (lastUp % span);
    const calStart = calEnd - r.steps * r.rows * def.step;
    const diff = Math.abs(opts.resolution - span);
    if (calStart <= opts.start) {
      if (bestFull < 0 || diff < bestFullDiff) {
        bestFull = i;
        bestFullDiff = diff;
      }
    } else {
      const match = opts.end - opts.start - (calStart - opts.start);
      if (bestPart < 0 || bestMatch < match || (bestMatch === match && diff < bestPartDiff)) {
        bestPart = i;
        bestMatch = match;
        bestPartDiff = diff;
      }
    }
  });
  return bestFull >= 0 ? bestFull : bestPart;
}

/** Rows `fromAge…fromAge+count` of archive `rra` by age (0 = oldest), `dsCount` values each. */
export type AgedRowReader = (rra: number, fromAge: number, count: number) => Float64Array;

export function fetchRows(def: ResolvedDefinition, st: RrdState, opts: FetchOptions, path: string, readAged: AgedRowReader): FetchResult {
  const start0 = Math.floor(opts.start);
  const end0 = Math.floor(opts.end);
  const resolution = opts.resolution === undefined ? 1 : Math.floor(opts.resolution);
  if (!Number.isFinite(start0) || !Number.isFinite(end0) || end0 < start0) {
    throw new InputError('PB_ERR_INVALID_ARGUMENT', `fetch start (${opts.start}) must not be after end (${opts.end})`, {
      location: { file: path, keyPath: 'fetch' },
    });
  }
  if (!(resolution >= 1)) {
    throw new InputError('PB_ERR_INVALID_ARGUMENT', `fetch resolution must be ≥ 1 second; got ${opts.resolution}`, {
      location: { file: path, keyPath: 'fetch.resolution' },
    });
  }
  const chosen = chooseArchive(def, st.lastUp, { cf: opts.cf, start: start0, end: end0, resolution });
  if (chosen < 0) {
    throw new InputError('PB_ERR_INVALID_ARGUMENT', `the file has no archive matching CF ${opts.cf}`, {
      location: { file: path, keyPath: 'fetch.cf' },
    });
  }
  const rra = def.rra[chosen]!;
  const nd = def.ds.length;
  const step = def.step * rra.steps;
  const start = start0 - (start0 % step);
  const end = end0 + (step - (end0 % step));
  // rrdtool computes one more row than `rrdtool fetch` prints; we return what it prints.
  const rows = (end - start) / step;
  const columns = def.ds.map(() => new Float64Array(rows).fill(NaN));
  const rraEnd = st.lastUp - (st.lastUp % step);
  const rraStart = rraEnd - step * (rra.rows - 1);
  const startOffset = Math.trunc((start + step - rraStart) / step);
  // Rows by age: 0 is the oldest row of the archive, rra.rows − 1 the newest.
  const from = Math.max(0, startOffset);
  const to = Math.min(rra.rows, startOffset + rows);
  if (to > from) {
    const block = readAged(chosen, from, to - from);
    for (let i = from; i < to; i++) {
      const k = i - startOffset;
      for (let d = 0; d < nd; d++) columns[d]![k] = block[(i - from) * nd + d]!;
    }
  }
  return { start, end, step, dsNames: def.ds.map((d) => d.name), rows, columns };
}
