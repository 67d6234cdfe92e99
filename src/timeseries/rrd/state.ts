import type { ResolvedDefinition } from './definition.js';

/** rrdtool keeps `last_ds` in a 30-byte field: at most 29 characters survive. */
export const LAST_DS_LEN = 29;

/**
 * What an update changes besides the rows: rrdtool's live head, pdp_prep, cdp_prep and rra_ptr.
 * A few hundred bytes per file; the rows stay on disk (see rrd-file.ts). Index of the cdp
 * arrays: rra * dsCount + ds.
 */
export interface RrdState {
  lastUp: number;
  lastUpUsec: number;
  /**
   * rrdtool's last_ds: the last value given as text, 'U' when unknown, or undefined when it was a
   * number, kept unformatted in `lastDsNum` (formatting every sample would cost more than the update).
   */
  lastDs: (string | undefined)[];
  lastDsNum: Float64Array;
  pdpVal: Float64Array;
  pdpUnknSec: Float64Array;
  cdpVal: Float64Array;
  cdpUnkn: Float64Array;
  cdpPrimary: Float64Array;
  cdpSecondary: Float64Array;
  curRow: Uint32Array;
}

/** last_ds of DS `i` as rrdtool prints it. */
export function lastDsText(st: RrdState, i: number): string {
  return st.lastDs[i] ?? String(st.lastDsNum[i]);
}

/** A state of the right shape, all zeros (to be filled from a slot image): one allocation. */
export function blankState(def: ResolvedDefinition): RrdState {
  const nd = def.ds.length;
  const nr = def.rra.length;
  const f = new Float64Array(3 * nd + 4 * nr * nd);
  let o = 0;
  const take = (n: number): Float64Array => f.subarray(o, (o += n));
  return {
    lastUp: 0,
    lastUpUsec: 0,
    lastDs: new Array<string | undefined>(nd).fill('U'),
    lastDsNum: take(nd),
    pdpVal: take(nd),
    pdpUnknSec: take(nd),
    cdpVal: take(nr * nd),
    cdpUnkn: take(nr * nd),
    cdpPrimary: take(nr * nd),
    cdpSecondary: take(nr * nd),
    curRow: new Uint32Array(nr),
  };
}

/** The state `rrdtool create --start start` writes (rrd_create.c), cur_row = last row; every row is NaN. */
export function initialState(def: ResolvedDefinition, start: number): RrdState {
  const nd = def.ds.length;
  const unkn = start % def.step;
  const st = blankState(def);
  st.lastUp = start;
  st.pdpVal.fill(NaN);
  st.pdpUnknSec.fill(unkn);
  st.cdpVal.fill(NaN);
  def.rra.forEach((r, i) => {
    st.curRow[i] = r.rows - 1;
    // PDPs already past in the current CDP at creation count as unknown.
    const u = ((start - unkn) % (def.step * r.steps)) / def.step;
    st.cdpUnkn.fill(u, i * nd, (i + 1) * nd);
  });
  return st;
}
