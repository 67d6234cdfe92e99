/**
 * A tick's result → one sample's values. Lenient where the store is strict: a value that does not
 * fit its field becomes unknown (and is reported), so one bad field never drops the whole sample.
 *
 * Mapping: number → as is (COUNTER needs a whole number ≥ 0, DERIVE a whole number); bigint and
 * decimal-integer strings pass through exactly (64-bit counters); other numeric strings → number;
 * `true`/`false` → 1/0 (up/down monitors); missing, null, NaN, `"U"` → unknown without a report.
 */
import type { DsDef, RrdValue } from './rrd/types.js';

export interface ValueProblem {
  readonly field: string;
  readonly reason: string;
}

const INTEGER = /^[-+]?\d+$/;

export function sampleValues(
  fields: readonly DsDef[],
  data: Readonly<Record<string, unknown>>,
): { values: Record<string, RrdValue>; problems: ValueProblem[] } {
  const values: Record<string, RrdValue> = {};
  const problems: ValueProblem[] = [];
  for (const f of fields) {
    const r = fieldValue(f, data[f.name]);
    values[f.name] = r.value;
    if (r.problem) problems.push({ field: f.name, reason: r.problem });
  }
  return { values, problems };
}

function fieldValue(f: DsDef, v: unknown): { value: RrdValue; problem?: string } {
  if (v === undefined || v === null) return { value: null };
  const integral = f.type === 'COUNTER' || f.type === 'DERIVE';
  if (typeof v === 'boolean') return { value: v ? 1 : 0 };
  if (typeof v === 'bigint') {
    if (f.type === 'COUNTER' && v < 0n) return { value: null, problem: `COUNTER value must be ≥ 0; got ${v}` };
    return { value: integral ? v : Number(v) };
  }
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === 'U' || s === '') return { value: null };
    if (integral && INTEGER.test(s)) return fieldValue(f, BigInt(s));
    const n = Number(s);
    if (Number.isNaN(n)) return { value: null, problem: `not a number: ${JSON.stringify(v)}` };
    return fieldValue(f, n);
  }
  if (typeof v !== 'number') return { value: null, problem: `not a number: ${typeof v}` };
  if (Number.isNaN(v)) return { value: null };
  if (!Number.isFinite(v)) return { value: null, problem: `not a finite number: ${v}` };
  if (integral && !Number.isInteger(v)) return { value: null, problem: `${f.type} value must be a whole number; got ${v}` };
  if (f.type === 'COUNTER' && v < 0) return { value: null, problem: `COUNTER value must be ≥ 0; got ${v}` };
  return { value: v };
}
