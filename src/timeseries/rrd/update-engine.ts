/**
 * rrdtool 1.7's update algorithm (rrd_update.c), as a pure function over `RrdState`.
 * Names follow the C code so the two can be read side by side; evaluation order of
 * floating-point expressions is kept so results are bit-identical.
 */
import type { ResolvedDefinition } from './definition.js';
import { rrdDiff, safeCounterDiff, type EngineValues } from './sample-values.js';
import { LAST_DS_LEN, type RrdState } from './state.js';
import type { WrittenRows } from './written-rows.js';

const WRAP32 = 4294967295; // rrdtool 1.7 adds 2^32-1 (sic) on a negative counter delta
const WRAP64 = 18446744069414584320; // then 2^64-2^32

/** Scratch arrays reused across samples of one file. */
export class UpdateEngine {
  private readonly pdpNew: Float64Array;
  private readonly pdpTemp: Float64Array;
  private readonly openNew: Float64Array;
  private readonly stepCnt: Float64Array;
  /** Archives with one PDP per row. */
  private readonly oneStepRras: readonly number[];

  constructor(private readonly def: ResolvedDefinition) {
    const nd = def.ds.length;
    this.pdpNew = new Float64Array(nd);
    this.pdpTemp = new Float64Array(nd);
    this.openNew = new Float64Array(nd);
    this.stepCnt = new Float64Array(def.rra.length);
    this.oneStepRras = def.rra.flatMap((r, i) => (r.steps === 1 ? [i] : []));
  }

  /**
   * Apply one reading at `sec`+`usec` (already checked to be after the last update). The rows
   * it writes go to `written` (the caller puts them in the file).
   */
  apply(st: RrdState, sec: number, usec: number, vals: EngineValues, at: number, written: WrittenRows): void {
    const def = this.def;
    const step = def.step;
    const pdpNew = this.pdpNew;
    let interval = sec - st.lastUp + (usec - st.lastUpUsec) / 1e6;
    this.updatePdpPrep(st, vals, at, interval);

    // calculate_elapsed_steps
    const procPdpSt = st.lastUp - (st.lastUp % step);
    const occuAge = sec % step;
    const occuPdpSt = sec - occuAge;
    let preInt: number;
    let postInt: number;
    if (occuPdpSt > procPdpSt) {
      preInt = occuPdpSt - st.lastUp;
      preInt -= st.lastUpUsec / 1e6;
      postInt = occuAge;
      postInt += usec / 1e6;
    } else {
      preInt = interval;
      postInt = 0;
    }
    let procPdpCnt = procPdpSt / step;
    let elapsed = (occuPdpSt - procPdpSt) / step;

    if (elapsed === 0) {
      this.simpleUpdate(st, interval);
    } else {
      if (elapsed > 1) {
        // rrdtool 1.7 closes the left, partly filled PDP on its own first ("JKammler bugfix").
        const secOpen = Math.trunc(preInt) % step;
        if (secOpen > 0) {
          const openNew = this.openNew;
          for (let i = 0; i < pdpNew.length; i++) {
            const p = pdpNew[i]!;
            if (!Number.isNaN(p) && interval > 0) {
              openNew[i] = (p * secOpen) / interval;
              pdpNew[i] = p - openNew[i]!;
            } else openNew[i] = NaN;
          }
          this.processAllPdpSt(st, secOpen, secOpen, 0, 1, openNew);
          this.updateAllCdpPrep(st, 1, procPdpCnt);
          this.updateAberrant(st, 1);
          this.writeToRras(st, written);
          interval -= secOpen;
          preInt -= secOpen;
          elapsed--;
          procPdpCnt++;
        }
      }
      this.processAllPdpSt(st, interval, preInt, postInt, elapsed, pdpNew);
      this.updateAllCdpPrep(st, elapsed, procPdpCnt);
      this.updateAberrant(st, elapsed);
      this.writeToRras(st, written);
    }
    st.lastUp = sec;
    st.lastUpUsec = usec;
  }

  private updatePdpPrep(st: RrdState, vals: EngineValues, at: number, interval: number): void {
    const ds = this.def.ds;
    for (let i = 0; i < ds.length; i++) {
      const d = ds[i]!;
      const v = vals.nums[at + i]!;
      const vs = vals.strs?.[at + i];
      const unknown = vs === undefined && Number.isNaN(v);
      if (d.heartbeat < interval) st.lastDs[i] = 'U';
      let pdp = NaN;
      if (!unknown && d.heartbeat >= interval) {
        let rate = NaN;
        switch (d.type) {
          case 'COUNTER':
          case 'DERIVE': {
            const last = st.lastDs[i];
            if (last !== 'U') {
              // Both below 2^53 (the usual case): exact in doubles, as rrdtool's digit-wise diff.
              pdp =
                vs === undefined && last === undefined
                  ? safeCounterDiff(v, st.lastDsNum[i]!)
                  : rrdDiff(vs ?? String(v), last ?? String(st.lastDsNum[i]));
              if (d.type === 'COUNTER') {
                if (pdp < 0) pdp += WRAP32;
                if (pdp < 0) pdp += WRAP64;
              }
              rate = pdp / interval;
            }
            break;
          }
          case 'ABSOLUTE':
            pdp = v;
            rate = pdp / interval;
            break;
          case 'GAUGE': {
            const nv = v;
            pdp = nv * interval;
            rate = nv;
            break;
          }
        }
        if (!Number.isNaN(rate) && ((!Number.isNaN(d.max) && rate > d.max) || (!Number.isNaN(d.min) && rate < d.min))) {
          pdp = NaN;
        }
      }
      this.pdpNew[i] = pdp;
      if (unknown) st.lastDs[i] = 'U';
      else if (vs !== undefined) st.lastDs[i] = vs.length > LAST_DS_LEN ? vs.slice(0, LAST_DS_LEN) : vs;
      else {
        st.lastDs[i] = undefined;
        st.lastDsNum[i] = v;
      }
    }
  }

  private simpleUpdate(st: RrdState, interval: number): void {
    const pdpNew = this.pdpNew;
    for (let i = 0; i < pdpNew.length; i++) {
      const p = pdpNew[i]!;
      if (Number.isNaN(p)) st.pdpUnknSec[i] = st.pdpUnknSec[i]! + Math.floor(interval);
      else if (Number.isNaN(st.pdpVal[i]!)) st.pdpVal[i] = p;
      else st.pdpVal[i] = st.pdpVal[i]! + p;
    }
  }

  private processAllPdpSt(st: RrdState, interval: number, preInt: number, postInt: number, elapsed: number, pdpNew: Float64Array): void {
    const ds = this.def.ds;
    const step = this.def.step;
    const diffPdpSt = elapsed * step;
    for (let i = 0; i < ds.length; i++) {
      const p = pdpNew[i]!;
      let preUnknown = 0;
      if (Number.isNaN(p)) preUnknown = preInt;
      else {
        if (Number.isNaN(st.pdpVal[i]!)) st.pdpVal[i] = 0;
        st.pdpVal[i] = st.pdpVal[i]! + (p / interval) * preInt;
      }
      const unkn = st.pdpUnknSec[i]!;
      if (interval > ds[i]!.heartbeat || step / 2 < unkn) this.pdpTemp[i] = NaN;
      else this.pdpTemp[i] = st.pdpVal[i]! / (diffPdpSt - unkn - preUnknown);
      if (Number.isNaN(p)) {
        st.pdpUnknSec[i] = Math.floor(postInt);
        st.pdpVal[i] = NaN;
      } else {
        st.pdpUnknSec[i] = 0;
        st.pdpVal[i] = (p / interval) * postInt;
      }
    }
  }

  private updateAllCdpPrep(st: RrdState, elapsed: number, procPdpCnt: number): void {
    const { rra, ds } = this.def;
    const nd = ds.length;
    for (let r = 0; r < rra.length; r++) {
      const a = rra[r]!;
      const startOff = a.steps - (procPdpCnt % a.steps);
      const cnt = startOff <= elapsed ? Math.min(Math.floor((elapsed - startOff) / a.steps) + 1, a.rows) : 0;
      this.stepCnt[r] = cnt;
      if (a.steps > 1 && cnt === 0) {
        // The common case inside a consolidated row: only accumulate (update_cdp's else branch).
        this.accumulateCdp(st, r * nd, nd, a.cf, elapsed);
        continue;
      }
      if (a.steps === 1 && elapsed <= 2) continue;
      for (let i = 0; i < nd; i++) {
        const c = r * nd + i;
        const pt = this.pdpTemp[i]!;
        if (a.steps > 1) this.updateCdp(st, c, a.cf, pt, cnt, elapsed, startOff, a.steps, a.xff);
        else if (elapsed > 2) {
          st.cdpPrimary[c] = pt;
          st.cdpSecondary[c] = pt;
        }
      }
    }
  }

  private updateCdp(
    st: RrdState,
    c: number,
    cf: string,
    pt: number,
    stepCnt: number,
    elapsed: number,
    startOff: number,
    pdpCnt: number,
    xff: number,
  ): void {
    if (stepCnt > 0) {
      if (Number.isNaN(pt)) {
        st.cdpUnkn[c] = st.cdpUnkn[c]! + startOff;
        st.cdpSecondary[c] = NaN;
      } else st.cdpSecondary[c] = pt;

      if (st.cdpUnkn[c]! > pdpCnt * xff) st.cdpPrimary[c] = NaN;
      else {
        // initialize_cdp_val
        const v = st.cdpVal[c]!;
        if (cf === 'AVERAGE') {
          const cum = Number.isNaN(v) ? 0 : v;
          const cur = Number.isNaN(pt) ? 0 : pt;
          st.cdpPrimary[c] = (cum + cur * startOff) / (pdpCnt - st.cdpUnkn[c]!);
        } else if (cf === 'MAX') {
          const cum = Number.isNaN(v) ? -Infinity : v;
          const cur = Number.isNaN(pt) ? -Infinity : pt;
          st.cdpPrimary[c] = cur > cum ? cur : cum;
        } else if (cf === 'MIN') {
          const cum = Number.isNaN(v) ? Infinity : v;
          const cur = Number.isNaN(pt) ? Infinity : pt;
          st.cdpPrimary[c] = cur < cum ? cur : cum;
        } else st.cdpPrimary[c] = pt;
      }
      // initialize_carry_over
      const into = (elapsed - startOff) % pdpCnt;
      if (into === 0 || Number.isNaN(pt)) {
        st.cdpVal[c] = cf === 'MAX' ? -Infinity : cf === 'MIN' ? Infinity : cf === 'AVERAGE' ? 0 : NaN;
      } else st.cdpVal[c] = cf === 'AVERAGE' ? pt * into : pt;
      st.cdpUnkn[c] = Number.isNaN(pt) ? (elapsed - startOff) % pdpCnt : 0;
    } else if (Number.isNaN(pt)) {
      st.cdpUnkn[c] = st.cdpUnkn[c]! + elapsed;
    } else {
      // calculate_cdp_val
      const v = st.cdpVal[c]!;
      if (Number.isNaN(v)) st.cdpVal[c] = cf === 'AVERAGE' ? pt * elapsed : pt;
      else if (cf === 'AVERAGE') st.cdpVal[c] = v + pt * elapsed;
      else if (cf === 'MIN') st.cdpVal[c] = pt < v ? pt : v;
      else if (cf === 'MAX') st.cdpVal[c] = pt > v ? pt : v;
      else st.cdpVal[c] = pt;
    }
  }

  /** update_cdp with no row to write: count unknown PDPs or fold the PDP into CDP_val (calculate_cdp_val). */
  private accumulateCdp(st: RrdState, base: number, nd: number, cf: string, elapsed: number): void {
    const pdpTemp = this.pdpTemp;
    const cdpVal = st.cdpVal;
    for (let i = 0; i < nd; i++) {
      const c = base + i;
      const pt = pdpTemp[i]!;
      if (Number.isNaN(pt)) {
        st.cdpUnkn[c] = st.cdpUnkn[c]! + elapsed;
        continue;
      }
      const v = cdpVal[c]!;
      if (Number.isNaN(v)) cdpVal[c] = cf === 'AVERAGE' ? pt * elapsed : pt;
      else if (cf === 'AVERAGE') cdpVal[c] = v + pt * elapsed;
      else if (cf === 'MIN') cdpVal[c] = pt < v ? pt : v;
      else if (cf === 'MAX') cdpVal[c] = pt > v ? pt : v;
      else cdpVal[c] = pt;
    }
  }

  /** update_aberrant_cdps: for 1-PDP archives the first (and second) row is the PDP itself. */
  private updateAberrant(st: RrdState, elapsed: number): void {
    if (elapsed < 1 || elapsed > 2) return;
    const nd = this.pdpTemp.length;
    for (const r of this.oneStepRras) {
      st.cdpPrimary.set(this.pdpTemp, r * nd);
      if (elapsed === 2) st.cdpSecondary.set(this.pdpTemp, r * nd);
    }
  }

  private writeToRras(st: RrdState, written: WrittenRows): void {
    const { rra, ds } = this.def;
    const nd = ds.length;
    for (let r = 0; r < rra.length; r++) {
      const cnt = this.stepCnt[r]!;
      if (cnt === 0) continue;
      const rows = rra[r]!.rows;
      let row = st.curRow[r]!;
      for (let k = 0; k < cnt; k++) {
        row = row + 1 >= rows ? 0 : row + 1;
        written.push(r, k === 0 ? st.cdpPrimary : st.cdpSecondary, r * nd);
      }
      st.curRow[r] = row;
    }
  }
}
