/**
 * rrdtool-style definitions for `rrd create` and samples for `rrd update`:
 * `DS:name:GAUGE|COUNTER|DERIVE|ABSOLUTE:heartbeat:min|U:max|U`,
 * `RRA:AVERAGE|MIN|MAX|LAST:xff:steps:rows`, and `time:v1:v2…` with `N` for now and `U` unknown.
 * Steps and rows also take rrdtool 1.4+ durations (`RRA:AVERAGE:0.5:1m:1d` with --step 5).
 */
import type { ConsolidationFn, DsDef, DsType, RraDef, RrdSample, RrdValue } from '../timeseries/rrd/index.js';
import { parseDurationSeconds } from '../graph/period.js';
import { RrdUsageError } from './rrd-args.js';

const DS_TYPES: readonly DsType[] = ['GAUGE', 'COUNTER', 'DERIVE', 'ABSOLUTE'];
const CFS: readonly ConsolidationFn[] = ['AVERAGE', 'MIN', 'MAX', 'LAST'];
const DS_NAME = /^[a-zA-Z0-9_]{1,19}$/;

export function parseDsDef(text: string): DsDef {
  const parts = text.split(':');
  const bad = (why: string): never => {
    throw new RrdUsageError(`bad data source ${JSON.stringify(text)}: ${why} (want DS:name:TYPE:heartbeat:min:max)`);
  };
  if (parts.length !== 6 || parts[0] !== 'DS') bad('expected 6 fields separated by ":"');
  const [, name = '', type = '', hb = '', min = '', max = ''] = parts;
  if (!DS_NAME.test(name)) bad('the name must be 1–19 letters, digits or _');
  if (!DS_TYPES.includes(type.toUpperCase() as DsType)) bad(`type must be one of ${DS_TYPES.join(', ')}`);
  const heartbeat = parseDurationSeconds(hb);
  if (heartbeat === undefined || !Number.isInteger(heartbeat)) bad('heartbeat must be a whole number of seconds');
  const limit = (s: string, what: string): number | undefined => {
    if (s === 'U' || s === 'u') return undefined;
    const n = Number(s);
    if (s.trim() === '' || !Number.isFinite(n)) bad(`${what} must be a number or U`);
    return n;
  };
  const lo = limit(min, 'min');
  const hi = limit(max, 'max');
  if (lo !== undefined && hi !== undefined && lo >= hi) bad('min must be below max');
  return { name, type: type.toUpperCase() as DsType, heartbeat: heartbeat as number, min: lo, max: hi };
}

export function parseRraDef(text: string, step: number): RraDef {
  const parts = text.split(':');
  const bad = (why: string): never => {
    throw new RrdUsageError(`bad archive ${JSON.stringify(text)}: ${why} (want RRA:CF:xff:steps:rows)`);
  };
  if (parts.length !== 5 || parts[0] !== 'RRA') bad('expected 5 fields separated by ":"');
  const [, cf = '', xffText = '', stepsText = '', rowsText = ''] = parts;
  if (!CFS.includes(cf.toUpperCase() as ConsolidationFn)) bad(`CF must be one of ${CFS.join(', ')}`);
  const xff = Number(xffText);
  if (xffText.trim() === '' || !(xff >= 0 && xff < 1)) bad('xff must be a number from 0 up to (not including) 1');
  // A plain number counts steps/rows; a duration (1m, 1d) is converted with the step, as rrdtool does.
  const count = (s: string, what: string, unit: number): number => {
    if (/^\d+$/.test(s)) {
      const n = Number(s);
      if (n >= 1) return n;
    } else {
      const d = parseDurationSeconds(s);
      if (d !== undefined && d % unit === 0) return d / unit;
    }
    return bad(`${what} must be a whole number ≥ 1 (or a duration that is a multiple of ${unit}s)`);
  };
  const steps = count(stepsText, 'steps', step);
  const rows = count(rowsText, 'rows', steps * step);
  return { cf: cf.toUpperCase() as ConsolidationFn, xff, steps, rows };
}

/**
 * `time:v1:v2…` (or with `template`, values in that DS order). `N` is now; `U` unknown.
 * Integers longer than 15 digits stay strings so COUNTER/DERIVE keep them exact.
 */
export function parseUpdateArg(text: string, dsOrder: readonly string[], now: number): RrdSample {
  const parts = text.split(':');
  const [timeText = '', ...vals] = parts;
  let time: number;
  if (timeText === 'N' || timeText === 'n') time = now;
  else if (/^\d+(\.\d+)?$/.test(timeText)) time = Number(timeText);
  else throw new RrdUsageError(`bad update ${JSON.stringify(text)}: time must be epoch seconds or N`);
  if (vals.length !== dsOrder.length) {
    throw new RrdUsageError(
      `bad update ${JSON.stringify(text)}: ${vals.length} value(s) for ${dsOrder.length} data source(s) (${dsOrder.join(':')})`,
    );
  }
  const values: Record<string, RrdValue> = {};
  vals.forEach((v, i) => {
    const name = dsOrder[i] ?? '';
    if (v === 'U' || v === 'u' || v === '') values[name] = null;
    else if (/^[+-]?\d{16,}$/.test(v)) values[name] = v; // beyond 2^53: the store reads it exactly
    else if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(v)) values[name] = Number(v);
    else throw new RrdUsageError(`bad update ${JSON.stringify(text)}: value ${JSON.stringify(v)} for ${name} is not a number or U`);
  });
  return { time, values };
}
