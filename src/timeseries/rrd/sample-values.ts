import { InputError } from '../../core/errors.js';
import type { ResolvedDefinition } from './definition.js';
import { rrdStrtod } from './rrd-strtod.js';
import type { RrdValue } from './types.js';

const UNSIGNED = /^[0-9]+$/;
const SIGNED = /^-?[0-9]+$/;
const FLOAT = /^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/;

/**
 * Turn one sample's values into the strings rrdtool's update would see ('U' = unknown).
 * Stricter than rrdtool in one way: values are checked even when the heartbeat has passed.
 */
export function sampleStrings(def: ResolvedDefinition, values: Record<string, RrdValue>, path: string, index: number): string[] {
  for (const k of Object.keys(values)) {
    if (!def.ds.some((d) => d.name === k)) {
      throw new InputError('PB_ERR_RRD_UPDATE', `unknown data source ${JSON.stringify(k)}`, {
        location: { file: path, keyPath: `samples[${index}].values.${k}` },
      });
    }
  }
  return def.ds.map((d) => {
    const v = values[d.name];
    const where = { file: path, keyPath: `samples[${index}].values.${d.name}` };
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) || v === 'U') return 'U';
    const integral = d.type === 'COUNTER' || d.type === 'DERIVE';
    let s: string;
    if (typeof v === 'bigint') s = v.toString();
    else if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new InputError('PB_ERR_RRD_UPDATE', `value must be finite; got ${v}`, { location: where });
      s = integral && Number.isInteger(v) ? BigInt(v).toString() : String(v);
    } else if (typeof v === 'string') s = v.trim();
    else throw new InputError('PB_ERR_RRD_UPDATE', `value must be a number, bigint, numeric string or null; got ${typeof v}`, { location: where });
    const ok = d.type === 'COUNTER' ? UNSIGNED.test(s) : d.type === 'DERIVE' ? SIGNED.test(s) : FLOAT.test(s);
    if (!ok) {
      const rule = d.type === 'COUNTER' ? 'an unsigned integer' : d.type === 'DERIVE' ? 'a signed integer' : 'a number';
      throw new InputError('PB_ERR_RRD_UPDATE', `${d.type} value must be ${rule}; got ${JSON.stringify(String(v))}`, { location: where });
    }
    return s;
  });
}

/**
 * rrdtool's rrd_diff: the exact difference of two decimal integer strings, converted with
 * rrdtool's own parser; NaN when the signs differ (rrdtool "can not handle numbers with different signs")
 * or either is longer than 30 characters.
 */
export function rrdDiff(a: string, b: string): number {
  const an = a.startsWith('-');
  const bn = b.startsWith('-');
  if (an !== bn) return NaN;
  const ad = an ? a.slice(1) : a;
  const bd = bn ? b.slice(1) : b;
  if (Math.max(ad.length, bd.length) > 30) return NaN;
  // rrdtool builds the difference's digits exactly, then parses them with rrd_strtod.
  const d = BigInt(a) - BigInt(b);
  const mag = rrdStrtod((d < 0n ? -d : d).toString());
  return d < 0n ? -mag : mag;
}
