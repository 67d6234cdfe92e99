import { InputError } from '../../core/errors.js';
import type { ResolvedDefinition } from './definition.js';
import { rrdStrtod } from './rrd-strtod.js';
import type { RrdValue } from './types.js';

const UNSIGNED = /^[0-9]+$/;
const SIGNED = /^-?[0-9]+$/;
const FLOAT = /^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/;

/**
 * Readings for the update engine, flat (sample * dsCount + ds): `nums` holds the value (NaN =
 * unknown); `strs` (created on demand) holds COUNTER/DERIVE integers beyond 2^53 as text.
 */
export interface EngineValues {
  nums: Float64Array;
  strs: (string | undefined)[] | undefined;
}

/**
 * Check and convert one sample's values. Stricter than rrdtool in one way: values are checked
 * even when the heartbeat has passed (rrdtool then ignores them unread).
 */
export function sampleValues(
  def: ResolvedDefinition,
  names: ReadonlySet<string>,
  values: Record<string, RrdValue>,
  path: string,
  index: number,
  out: EngineValues,
  at: number,
): void {
  const nums = out.nums;
  for (const k in values) {
    if (!names.has(k)) {
      throw new InputError('PB_ERR_RRD_UPDATE', `unknown data source ${JSON.stringify(k)}`, {
        location: { file: path, keyPath: `samples[${index}].values.${k}` },
      });
    }
  }
  for (let i = 0; i < def.ds.length; i++) {
    const d = def.ds[i]!;
    const v = values[d.name];
    if (v === null || v === undefined || v === 'U' || (typeof v === 'number' && Number.isNaN(v))) {
      nums[at + i] = NaN;
      continue;
    }
    const integral = d.type === 'COUNTER' || d.type === 'DERIVE';
    if (typeof v === 'number' && Number.isFinite(v)) {
      if (!integral) {
        // Numbers are used as given; rrdtool would read their decimal text with its own
        // (inexact) parser, a difference of at most a few ULPs. Strings go through that parser.
        nums[at + i] = v;
        continue;
      }
      if (Number.isInteger(v) && (d.type === 'DERIVE' || v >= 0) && Math.abs(v) <= Number.MAX_SAFE_INTEGER) {
        nums[at + i] = v;
        continue;
      }
    }
    let s: string | undefined;
    if (typeof v === 'bigint') s = v.toString();
    else if (typeof v === 'number' && Number.isInteger(v)) s = BigInt(v).toString();
    else if (typeof v === 'string') s = v.trim();
    const ok = s !== undefined && (d.type === 'COUNTER' ? UNSIGNED.test(s) : d.type === 'DERIVE' ? SIGNED.test(s) : FLOAT.test(s));
    if (!ok || s === undefined) {
      const rule = d.type === 'COUNTER' ? 'an unsigned integer' : d.type === 'DERIVE' ? 'a signed integer' : 'a finite number';
      throw new InputError('PB_ERR_RRD_UPDATE', `${d.type} value must be ${rule}; got ${typeof v === 'string' ? JSON.stringify(v) : String(v)}`, {
        location: { file: path, keyPath: `samples[${index}].values.${d.name}` },
      });
    }
    if (!integral) nums[at + i] = rrdStrtod(s);
    else if (s.replace('-', '').length <= 15) nums[at + i] = Number(s);
    else {
      nums[at + i] = 0;
      (out.strs ??= [])[at + i] = s;
    }
  }
}

/** Counter delta new − old of two safe integers as rrd_diff computes it: exact, NaN across signs. */
export function safeCounterDiff(a: number, b: number): number {
  return a < 0 !== b < 0 ? NaN : a - b;
}

/**
 * rrdtool's rrd_diff: the exact difference of two decimal integer strings, converted with
 * rrdtool's own parser; NaN when the signs differ (rrdtool "can not handle numbers with different
 * signs") or either is longer than 30 characters.
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
