/** `rrdtool info`'s view of a file, as a plain object. */
import { FORMAT_VERSION } from './binary-format.js';
import type { ResolvedDefinition } from './definition.js';
import { lastDsText, type RrdState } from './state.js';
import type { RrdInfo } from './types.js';

export function describe(path: string, def: ResolvedDefinition, st: RrdState, headerSize: number): RrdInfo {
  const nd = def.ds.length;
  return {
    filename: path,
    formatVersion: FORMAT_VERSION,
    rrdVersion: '0003',
    step: def.step,
    lastUpdate: st.lastUp,
    lastUpdateUsec: st.lastUpUsec,
    headerSize,
    ds: def.ds.map((d, i) => ({
      name: d.name,
      type: d.type,
      heartbeat: d.heartbeat,
      min: Number.isNaN(d.min) ? undefined : d.min,
      max: Number.isNaN(d.max) ? undefined : d.max,
      lastDs: lastDsText(st, i),
      value: st.pdpVal[i]!,
      unknownSec: st.pdpUnknSec[i]!,
    })),
    rra: def.rra.map((r, ri) => ({
      ...r,
      curRow: st.curRow[ri]!,
      cdpPrep: def.ds.map((_, i) => ({
        value: st.cdpVal[ri * nd + i]!,
        unknownDatapoints: st.cdpUnkn[ri * nd + i]!,
        primaryValue: st.cdpPrimary[ri * nd + i]!,
        secondaryValue: st.cdpSecondary[ri * nd + i]!,
      })),
    })),
  };
}
