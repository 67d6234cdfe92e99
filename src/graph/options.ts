/**
 * A `graph:` entry of a `timeseries collect` block (SPEC §6), validated once into a frozen
 * `GraphOptions`. Unknown keys are errors: a typo such as `peroid` would otherwise silently draw
 * the default hour.
 */
import { InputError, formatKeyPath } from '../core/errors.js';
import type { SourceLocation } from '../core/errors.js';
import { isHexColor, normalizeHex } from './palette.js';
import { parseDurationSeconds, parseGraphPeriod } from './period.js';

export type GraphMethod = 'LINE' | 'AREA' | 'STACK';
export type GraphCf = 'AVERAGE' | 'MIN' | 'MAX' | 'LAST';

export interface GraphOptions {
  /** Where the PNG goes. */
  readonly path: string;
  readonly title: string | undefined;
  readonly verticalLabel: string | undefined;
  /** Data sources to draw, in order; `undefined` = every DS of the file. */
  readonly fields: readonly string[] | undefined;
  readonly method: GraphMethod;
  /** Time span shown, seconds (default 3600). */
  readonly period: number;
  /** Re-render every N seconds; `undefined` when not given (the scheduler decides). */
  readonly interval: number | undefined;
  /** Plot-area size in pixels, like rrdtool's `--width/--height` (default 600×200). */
  readonly width: number;
  readonly height: number;
  /** Line colours (`#RRGGBB`), repeating; `undefined` = the original palette. */
  readonly colors: readonly string[] | undefined;
  /** Consolidation function read from the file (default AVERAGE). */
  readonly cf: GraphCf;
}

export const GRAPH_DEFAULTS = Object.freeze({
  method: 'LINE' as GraphMethod,
  period: 3600 as number,
  width: 600 as number,
  height: 200 as number,
  cf: 'AVERAGE' as GraphCf,
});

const KNOWN_KEYS = new Set([
  'path',
  'title',
  'vertical label',
  'fields',
  'method',
  'period',
  'interval',
  'width',
  'height',
  'colors',
  'cf',
]);

const METHODS: readonly GraphMethod[] = ['LINE', 'AREA', 'STACK'];
const CFS: readonly GraphCf[] = ['AVERAGE', 'MIN', 'MAX', 'LAST'];

/** Where the options came from, for error messages (file, and line/col when known). */
export interface GraphOptionsSource {
  readonly file: string;
  readonly line?: number | undefined;
  readonly col?: number | undefined;
}

/**
 * Validate a raw `graph:` mapping. `keyPath` is where it sits in the block (e.g.
 * `run[0]["timeseries collect"].graph[1]` or its segments); errors name `keyPath.<key>`.
 * @throws InputError PB_ERR_VALIDATION
 */
export function parseGraphOptions(
  raw: unknown,
  keyPath: string | readonly (string | number)[],
  source: GraphOptionsSource = { file: '<graph options>' },
): GraphOptions {
  const base = typeof keyPath === 'string' ? keyPath : formatKeyPath(keyPath);
  const fail = (key: string | undefined, rule: string, value?: unknown): never => {
    const where = key === undefined ? base : base === '' ? key : `${base}.${key}`;
    const location: SourceLocation = { ...source, keyPath: where };
    const shown = value === undefined ? '' : `; got ${describe(value)}`;
    throw new InputError('PB_ERR_VALIDATION', `graph option ${where || '(graph)'}: ${rule}${shown}`, {
      location,
    });
  };

  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return fail(undefined, 'must be a mapping of graph options', raw);
  }
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN_KEYS.has(key)) {
      fail(key, `unknown graph option (known: ${[...KNOWN_KEYS].join(', ')})`);
    }
  }

  const text = (key: string, required: boolean): string | undefined => {
    const v = o[key];
    if (v === undefined || v === null) {
      if (required) fail(key, 'is required');
      return undefined;
    }
    if (typeof v === 'number') return String(v);
    if (typeof v !== 'string' || (required && v.trim() === '')) fail(key, 'must be a non-empty string', v);
    return v as string;
  };

  const positiveInt = (key: string, dflt: number, min: number, max: number): number => {
    const v = o[key];
    if (v === undefined || v === null) return dflt;
    const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      fail(key, `must be a whole number of pixels from ${min} to ${max}`, v);
    }
    return n as number;
  };

  const path = text('path', true) as string;
  const title = text('title', false);
  const verticalLabel = text('vertical label', false);

  let fields: string[] | undefined;
  if (o.fields !== undefined && o.fields !== null) {
    const f = typeof o.fields === 'string' ? o.fields.split(',').map((s) => s.trim()) : o.fields;
    if (!Array.isArray(f) || f.length === 0) fail('fields', 'must be a non-empty list of field names', o.fields);
    fields = (f as unknown[]).map((name, i) => {
      if (typeof name !== 'string' || name === '') fail(`fields[${i}]`, 'must be a field name', name);
      return name as string;
    });
  }

  let method = GRAPH_DEFAULTS.method;
  if (o.method !== undefined && o.method !== null) {
    const m = typeof o.method === 'string' ? o.method.toUpperCase() : o.method;
    if (!METHODS.includes(m as GraphMethod)) fail('method', `must be one of ${METHODS.join(', ')}`, o.method);
    method = m as GraphMethod;
  }

  let cf = GRAPH_DEFAULTS.cf;
  if (o.cf !== undefined && o.cf !== null) {
    const c = typeof o.cf === 'string' ? o.cf.toUpperCase() : o.cf;
    if (!CFS.includes(c as GraphCf)) fail('cf', `must be one of ${CFS.join(', ')}`, o.cf);
    cf = c as GraphCf;
  }

  let period = GRAPH_DEFAULTS.period;
  if (o.period !== undefined && o.period !== null) {
    const p = parseGraphPeriod(o.period);
    if (p === undefined || p < 1) {
      fail('period', 'must be a positive duration such as 3600, 30m, 1h, 1d, 2w, 1m (a month) or 1y', o.period);
    }
    period = Math.round(p as number);
  }

  let interval: number | undefined;
  if (o.interval !== undefined && o.interval !== null) {
    const p = parseDurationSeconds(o.interval);
    if (p === undefined) fail('interval', 'must be a positive number of seconds (or a duration like 10s, 1m)', o.interval);
    interval = p;
  }

  const width = positiveInt('width', GRAPH_DEFAULTS.width, 50, 10_000);
  const height = positiveInt('height', GRAPH_DEFAULTS.height, 30, 10_000);

  let colors: string[] | undefined;
  if (o.colors !== undefined && o.colors !== null) {
    const c = typeof o.colors === 'string' ? o.colors.split(',').map((s) => s.trim()) : o.colors;
    if (!Array.isArray(c) || c.length === 0) fail('colors', 'must be a non-empty list of #RRGGBB colours', o.colors);
    colors = (c as unknown[]).map((col, i) => {
      if (typeof col !== 'string' || !isHexColor(col)) fail(`colors[${i}]`, 'must be a colour like #CA442A', col);
      return normalizeHex(col as string);
    });
  }

  return Object.freeze({
    path,
    title,
    verticalLabel,
    fields: fields && Object.freeze(fields),
    method,
    period,
    interval,
    width,
    height,
    colors: colors && Object.freeze(colors),
    cf,
  });
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list (${JSON.stringify(v)})`;
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}
