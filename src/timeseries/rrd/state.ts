import type { ResolvedDefinition } from './definition.js';

/** rrdtool keeps `last_ds` in a 30-byte field: at most 29 characters survive. */
export const LAST_DS_LEN = 29;

/**
 * Everything an update changes: rrdtool's live head, pdp_prep, cdp_prep, rra_ptr and the rows.
 * Index of cdp arrays: rra * dsCount + ds; of data[rra]: row * dsCount + ds.
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
  data: Float64Array[];
}

/** The state `rrdtool create --start start` writes (rrd_create.c), cur_row = last row. */
/** last_ds of DS `i` as rrdtool prints it. */
export function lastDsText(st: RrdState, i: number): string {
  return st.lastDs[i] ?? String(st.lastDsNum[i]);
}

export function initialState(def: ResolvedDefinition, start: number): RrdState {
  const nd = def.ds.length;
  const nr = def.rra.length;
  const unkn = start % def.step;
  const st: RrdState = {
    lastUp: start,
    lastUpUsec: 0,
    lastDs: def.ds.map(() => 'U'),
    lastDsNum: new Float64Array(nd),
    pdpVal: new Float64Array(nd).fill(NaN),
    pdpUnknSec: new Float64Array(nd).fill(unkn),
    cdpVal: new Float64Array(nr * nd).fill(NaN),
    cdpUnkn: new Float64Array(nr * nd),
    cdpPrimary: new Float64Array(nr * nd),
    cdpSecondary: new Float64Array(nr * nd),
    curRow: new Uint32Array(nr),
    data: def.rra.map((r) => new Float64Array(r.rows * nd).fill(NaN)),
  };
  def.rra.forEach((r, i) => {
    st.curRow[i] = r.rows - 1;
    // PDPs already past in the current CDP at creation count as unknown.
    const u = ((start - unkn) % (def.step * r.steps)) / def.step;
    st.cdpUnkn.fill(u, i * nd, (i + 1) * nd);
  });
  return st;
}
