import { DS_NAME } from '../../core/ds-name.js';
import { InputError } from '../../core/errors.js';
import type { ConsolidationFn, DsType, RrdDefinition } from './types.js';

export const DS_TYPES: readonly DsType[] = ['GAUGE', 'COUNTER', 'DERIVE', 'ABSOLUTE'];
export const CFS: readonly ConsolidationFn[] = ['AVERAGE', 'MIN', 'MAX', 'LAST'];
const U32_MAX = 0xffffffff;

export interface ResolvedDs {
  readonly name: string;
  readonly type: DsType;
  readonly heartbeat: number;
  /** NaN = U. */
  readonly min: number;
  readonly max: number;
}

export interface ResolvedRra {
  readonly cf: ConsolidationFn;
  readonly xff: number;
  readonly steps: number;
  readonly rows: number;
}

/** A checked, complete definition (start resolved by the caller). */
export interface ResolvedDefinition {
  readonly step: number;
  readonly ds: readonly ResolvedDs[];
  readonly rra: readonly ResolvedRra[];
}

function bad(path: string, keyPath: string, rule: string, value: unknown): never {
  throw new InputError('PB_ERR_RRD_INVALID', `${rule}; got ${JSON.stringify(value) ?? String(value)}`, {
    location: { file: path, keyPath },
  });
}

function isPositiveInt(n: unknown, max = U32_MAX): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= max;
}

function limit(v: number | undefined, path: string, keyPath: string): number {
  if (v === undefined || Number.isNaN(v)) return NaN;
  if (typeof v !== 'number') bad(path, keyPath, 'must be a number or undefined (U)', v);
  return v;
}

/** Validate a definition with rrdtool's create rules; `path` names the file in messages. */
export function resolveDefinition(def: RrdDefinition, path: string): ResolvedDefinition {
  if (!isPositiveInt(def.step)) bad(path, 'step', 'step must be an integer ≥ 1 (seconds)', def.step);
  if (!Array.isArray(def.ds) || def.ds.length === 0) bad(path, 'ds', 'at least one data source is required', def.ds);
  if (!Array.isArray(def.rra) || def.rra.length === 0) bad(path, 'rra', 'at least one archive is required', def.rra);
  const seen = new Set<string>();
  const ds = def.ds.map((d, i): ResolvedDs => {
    const k = `ds[${i}]`;
    if (typeof d.name !== 'string' || !DS_NAME.test(d.name)) {
      bad(path, `${k}.name`, 'a DS name is 1–19 characters of [a-zA-Z0-9_]', d.name);
    }
    if (seen.has(d.name)) bad(path, `${k}.name`, 'DS names must be unique', d.name);
    seen.add(d.name);
    if (!DS_TYPES.includes(d.type)) bad(path, `${k}.type`, `type must be one of ${DS_TYPES.join(', ')}`, d.type);
    if (!isPositiveInt(d.heartbeat)) bad(path, `${k}.heartbeat`, 'heartbeat must be an integer ≥ 1 (seconds)', d.heartbeat);
    const min = limit(d.min, path, `${k}.min`);
    const max = limit(d.max, path, `${k}.max`);
    if (!Number.isNaN(min) && !Number.isNaN(max) && min >= max) {
      bad(path, `${k}.min`, 'min must be less than max', { min, max });
    }
    return Object.freeze({ name: d.name, type: d.type, heartbeat: d.heartbeat, min, max });
  });
  const rra = def.rra.map((r, i): ResolvedRra => {
    const k = `rra[${i}]`;
    if (!CFS.includes(r.cf)) bad(path, `${k}.cf`, `cf must be one of ${CFS.join(', ')}`, r.cf);
    if (typeof r.xff !== 'number' || !(r.xff >= 0 && r.xff < 1)) bad(path, `${k}.xff`, 'xff must be in [0, 1)', r.xff);
    if (!isPositiveInt(r.steps)) bad(path, `${k}.steps`, 'steps must be an integer ≥ 1', r.steps);
    if (!isPositiveInt(r.rows, 0x7fffffff)) bad(path, `${k}.rows`, 'rows must be an integer ≥ 1', r.rows);
    return Object.freeze({ cf: r.cf, xff: r.xff, steps: r.steps, rows: r.rows });
  });
  return Object.freeze({ step: def.step, ds: Object.freeze(ds), rra: Object.freeze(rra) });
}
