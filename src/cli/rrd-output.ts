/**
 * Text that `procblock rrd` prints. `fetch` and `info` text follow rrdtool 1.7's layout so
 * scripts written against rrdtool's output keep working; `--format json` gives structured data.
 */
import type { FetchResult, RrdInfo } from '../timeseries/rrd/index.js';

/** C's `%0.10e` with glibc's spelling of the specials (`-nan` for rrdtool's unknown). */
export function cExp(v: number, nan = '-nan'): string {
  if (Number.isNaN(v)) return nan;
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const s = v.toExponential(10);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** `rrdtool fetch` layout: a header of DS names (%20s each), a blank line, `time: v v…`. */
export function formatFetchText(r: FetchResult): string {
  const lines: string[] = [];
  lines.push(`           ${r.dsNames.map((n) => n.padStart(20)).join('')}`, '');
  for (let i = 0; i < r.rows; i++) {
    const t = r.start + (i + 1) * r.step;
    const vals = r.columns.map((c) => ` ${cExp(c[i] ?? Number.NaN)}`).join('');
    lines.push(`${String(t).padStart(10)}:${vals}`);
  }
  return `${lines.join('\n')}\n`;
}

/** JSON: rows carry their end time (as rrdtool prints) and values by DS name, null = unknown. */
export function formatFetchJson(r: FetchResult, cf: string): string {
  const rows = [];
  for (let i = 0; i < r.rows; i++) {
    const values: Record<string, number | null> = {};
    r.dsNames.forEach((n, d) => {
      const v = r.columns[d]?.[i] ?? Number.NaN;
      values[n] = Number.isNaN(v) ? null : v;
    });
    rows.push({ time: r.start + (i + 1) * r.step, values });
  }
  return `${JSON.stringify({ cf, start: r.start, end: r.end, step: r.step, dsNames: r.dsNames, rows }, null, 2)}\n`;
}

const infoNum = (v: number | undefined): string => (v === undefined ? 'NaN' : cExp(v, 'NaN'));

/** `rrdtool info` layout: `key = value` lines. */
export function formatInfoText(info: RrdInfo): string {
  const out: string[] = [
    `filename = "${info.filename}"`,
    `rrd_version = "${info.rrdVersion}"`,
    `step = ${info.step}`,
    `last_update = ${Math.floor(info.lastUpdate)}`,
    `header_size = ${info.headerSize}`,
  ];
  info.ds.forEach((ds, i) => {
    const k = `ds[${ds.name}]`;
    out.push(
      `${k}.index = ${i}`,
      `${k}.type = "${ds.type}"`,
      `${k}.minimal_heartbeat = ${ds.heartbeat}`,
      `${k}.min = ${infoNum(ds.min)}`,
      `${k}.max = ${infoNum(ds.max)}`,
      `${k}.last_ds = "${ds.lastDs}"`,
      `${k}.value = ${infoNum(ds.value)}`,
      `${k}.unknown_sec = ${ds.unknownSec}`,
    );
  });
  info.rra.forEach((rra, i) => {
    const k = `rra[${i}]`;
    out.push(
      `${k}.cf = "${rra.cf}"`,
      `${k}.rows = ${rra.rows}`,
      `${k}.cur_row = ${rra.curRow}`,
      `${k}.pdp_per_row = ${rra.steps}`,
      `${k}.xff = ${infoNum(rra.xff)}`,
    );
    rra.cdpPrep.forEach((c, d) => {
      out.push(`${k}.cdp_prep[${d}].value = ${infoNum(c.value)}`, `${k}.cdp_prep[${d}].unknown_datapoints = ${c.unknownDatapoints}`);
    });
  });
  return `${out.join('\n')}\n`;
}

/** JSON for `info --format json`: the store's RrdInfo with NaN as null. */
export function formatInfoJson(info: RrdInfo): string {
  return `${JSON.stringify(info, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? (Number.isNaN(v) ? null : String(v)) : v), 2)}\n`;
}
