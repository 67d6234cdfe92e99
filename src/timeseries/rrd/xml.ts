/** `rrdtool dump` XML: export ours in its exact layout, import rrdtool's (version 0003). */
import { XMLParser } from 'fast-xml-parser';
import { InputError } from '../../core/errors.js';
import { CFS, DS_TYPES, resolveDefinition } from './definition.js';
import { RrdFile } from './rrd-file.js';
import { initialState, lastDsText } from './state.js';
import type { ConsolidationFn, DsType, ImportOptions } from './types.js';

/** C's `%0.10e`, and rrdtool's NaN/Inf spellings. */
function num(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Inf';
  if (v === -Infinity) return '-Inf';
  const [m, e] = v.toExponential(10).split('e') as [string, string];
  const sign = e.startsWith('-') ? '-' : '+';
  const digits = e.replace(/^[-+]/, '').padStart(2, '0');
  return `${m}e${sign}${digits}`;
}

function stamp(t: number): string {
  return `${new Date(t * 1000).toISOString().replace('T', ' ').slice(0, 19)} UTC`;
}

export function exportXml(file: RrdFile): string {
  const def = file.definition;
  const { state: st, archives } = file.snapshot();
  const nd = def.ds.length;
  const out: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<!DOCTYPE rrd SYSTEM "https://oss.oetiker.ch/rrdtool/rrdtool.dtd">',
    '<!-- Round Robin Database Dump -->',
    '<rrd>',
    '\t<version>0003</version>',
    `\t<step>${def.step}</step> <!-- Seconds -->`,
    `\t<lastupdate>${st.lastUp}</lastupdate> <!-- ${stamp(st.lastUp)} -->`,
    '',
  ];
  def.ds.forEach((d, i) => {
    out.push(
      '\t<ds>',
      `\t\t<name> ${d.name} </name>`,
      `\t\t<type> ${d.type} </type>`,
      `\t\t<minimal_heartbeat>${d.heartbeat}</minimal_heartbeat>`,
      `\t\t<min>${num(d.min)}</min>`,
      `\t\t<max>${num(d.max)}</max>`,
      '',
      '\t\t<!-- PDP Status -->',
      `\t\t<last_ds>${lastDsText(st, i)}</last_ds>`,
      `\t\t<value>${num(st.pdpVal[i]!)}</value>`,
      `\t\t<unknown_sec> ${st.pdpUnknSec[i]} </unknown_sec>`,
      '\t</ds>',
      '',
    );
  });
  out.push('\t<!-- Round Robin Archives -->');
  def.rra.forEach((r, ri) => {
    out.push('\t<rra>', `\t\t<cf>${r.cf}</cf>`, `\t\t<pdp_per_row>${r.steps}</pdp_per_row> <!-- ${r.steps * def.step} seconds -->`, '');
    out.push('\t\t<params>', `\t\t<xff>${num(r.xff)}</xff>`, '\t\t</params>', '\t\t<cdp_prep>');
    for (let i = 0; i < nd; i++) {
      const c = ri * nd + i;
      out.push(
        '\t\t\t<ds>',
        `\t\t\t<primary_value>${num(st.cdpPrimary[c]!)}</primary_value>`,
        `\t\t\t<secondary_value>${num(st.cdpSecondary[c]!)}</secondary_value>`,
        `\t\t\t<value>${num(st.cdpVal[c]!)}</value>`,
        `\t\t\t<unknown_datapoints>${st.cdpUnkn[c]}</unknown_datapoints>`,
        '\t\t\t</ds>',
      );
    }
    out.push('\t\t</cdp_prep>', '\t\t<database>');
    const span = r.steps * def.step;
    const newest = st.lastUp - (st.lastUp % span);
    const data = archives[ri]!;
    for (let k = 0; k < r.rows; k++) {
      const t = newest - (r.rows - 1 - k) * span;
      const vs: string[] = [];
      for (let i = 0; i < nd; i++) vs.push(`<v>${num(data[k * nd + i]!)}</v>`);
      out.push(`\t\t\t<!-- ${stamp(t)} / ${t} --> <row>${vs.join('')}</row>`);
    }
    out.push('\t\t</database>', '\t</rra>');
  });
  out.push('</rrd>', '');
  return out.join('\n');
}

function bad(path: string, what: string): InputError {
  return new InputError('PB_ERR_RRD_FORMAT', `${path}: rrdtool XML: ${what}`, { location: { file: path } });
}

function parseNum(s: unknown): number {
  const t = String(s ?? '').trim();
  if (/^[-+]?nan$/i.test(t)) return NaN;
  if (/^[-+]?inf(inity)?$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  return t === '' ? NaN : Number(t);
}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Create `path` from `rrdtool dump` XML (refuses to overwrite unless asked). */
export function importXml(xml: string, path: string, opts: ImportOptions = {}): Promise<RrdFile> {
  try {
    const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, isArray: (n) => ['ds', 'rra', 'row', 'v'].includes(n) });
    let doc: Record<string, unknown>;
    try {
      doc = parser.parse(xml) as Record<string, unknown>;
    } catch (e) {
      throw bad(path, `not well-formed: ${(e as Error).message}`);
    }
    const rrd = doc.rrd as Record<string, unknown> | undefined;
    if (!rrd || typeof rrd !== 'object') throw bad(path, 'no <rrd> element');
    const dsX = asArray(rrd.ds as Record<string, unknown>[]);
    const rraX = asArray(rrd.rra as Record<string, unknown>[]);
    const ds = dsX.map((d, i) => {
      const type = String(d.type ?? '').trim();
      if (!DS_TYPES.includes(type as DsType)) throw bad(path, `ds[${i}] type ${JSON.stringify(type)} is not supported`);
      const min = parseNum(d.min);
      const max = parseNum(d.max);
      return { name: String(d.name ?? '').trim(), type: type as DsType, heartbeat: Number(d.minimal_heartbeat), min: Number.isNaN(min) ? undefined : min, max: Number.isNaN(max) ? undefined : max };
    });
    const rra = rraX.map((r, i) => {
      const cf = String(r.cf ?? '').trim();
      if (!CFS.includes(cf as ConsolidationFn)) throw bad(path, `rra[${i}] CF ${JSON.stringify(cf)} is not supported`);
      const params = (r.params ?? {}) as Record<string, unknown>;
      const db = (r.database ?? {}) as Record<string, unknown>;
      return { cf: cf as ConsolidationFn, xff: parseNum(params.xff ?? r.xff), steps: Number(r.pdp_per_row), rows: asArray(db.row).length };
    });
    let def;
    try {
      def = resolveDefinition({ step: Number(rrd.step), ds, rra }, path);
    } catch (e) {
      throw bad(path, (e as Error).message);
    }
    const lastUp = Number(rrd.lastupdate);
    if (!Number.isInteger(lastUp) || lastUp < 0) throw bad(path, `bad <lastupdate> ${String(rrd.lastupdate)}`);
    const st = initialState(def, lastUp);
    const nd = def.ds.length;
    const archives = def.rra.map((r) => new Float64Array(r.rows * nd).fill(NaN));
    dsX.forEach((d, i) => {
      st.lastDs[i] = String(d.last_ds ?? 'U').trim() || 'U';
      st.pdpVal[i] = parseNum(d.value);
      st.pdpUnknSec[i] = Number(String(d.unknown_sec ?? '0').trim());
    });
    rraX.forEach((r, ri) => {
      const prep = asArray(((r.cdp_prep ?? {}) as Record<string, unknown>).ds as Record<string, unknown>[]);
      if (prep.length !== nd) throw bad(path, `rra[${ri}] has ${prep.length} cdp_prep entries for ${nd} data sources`);
      prep.forEach((p, i) => {
        const c = ri * nd + i;
        st.cdpPrimary[c] = parseNum(p.primary_value);
        st.cdpSecondary[c] = parseNum(p.secondary_value);
        st.cdpVal[c] = parseNum(p.value);
        st.cdpUnkn[c] = Number(String(p.unknown_datapoints ?? '0').trim());
      });
      const rows = asArray(((r.database ?? {}) as Record<string, unknown>).row as Record<string, unknown>[]);
      const data = archives[ri]!;
      rows.forEach((row, k) => {
        const vs = asArray(row.v as unknown[]);
        if (vs.length !== nd) throw bad(path, `rra[${ri}] row ${k} has ${vs.length} values for ${nd} data sources`);
        vs.forEach((v, i) => (data[k * nd + i] = parseNum(v)));
      });
      // Rows are dumped oldest first, so the newest is the last one.
      st.curRow[ri] = def.rra[ri]!.rows - 1;
    });
    return Promise.resolve(RrdFile.write(path, def, st, (r) => archives[r]!, opts));
  } catch (e) {
    return Promise.reject(e);
  }
}
