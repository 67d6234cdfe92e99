/**
 * The `timeseries collect` value of a run item (SPEC §6), checked once into a frozen
 * `CollectConfig`. Unknown keys are errors (a typo such as `feilds` would otherwise collect
 * nothing). Definition rules (DS names, types, step, archive shapes) are the store's own
 * (`resolveDefinition`), re-reported at the block's key path.
 *
 * Choices where the spec is silent:
 * - `heartbeat` defaults to 2 × `interval`: rrdtool's own tutorials and MRTG/Cacti create
 *   `step 300` files with `heartbeat 600`, so one late or missed sample does not turn the
 *   interval unknown, while a stopped collector turns unknown after two steps.
 * - `type` is required (as in `rrdtool create`); `min`/`max` accept a number, `U` or null.
 * - `interval` and `heartbeat` accept seconds or a duration (`5`, `"30s"`, `"1m"`) that is a
 *   whole number of seconds ≥ 1 (rrdtool's step is whole seconds).
 * - `archives` entries: `"AVERAGE 0.5 1 86400"`, rrdtool's `"RRA:AVERAGE:0.5:1:86400"`, or
 *   `{cf, xff, steps, rows}`.
 * - With `key:`, `path` and every graph `path` must contain `%(key)s` (one file per entry).
 */
import { InputError, type SourceLocation } from '../core/errors.js';
import { parseGraphOptions, type GraphOptions } from '../graph/options.js';
import { parseDurationSeconds } from '../graph/period.js';
import { defaultArchives } from './rrd/default-archives.js';
import { CFS, DS_TYPES, resolveDefinition } from './rrd/definition.js';
import type { ConsolidationFn, DsDef, DsType, RraDef } from './rrd/types.js';

export const KEY_PLACEHOLDER = '%(key)s';

export interface CollectConfig {
  /** Path template of the file, as written (relative to the block's folder). */
  readonly path: string;
  /** RRD step, seconds. */
  readonly step: number;
  readonly fields: readonly Readonly<DsDef>[];
  readonly archives: readonly Readonly<RraDef>[];
  /** True when `archives:` was written (an existing file's archives are then checked too). */
  readonly archivesGiven: boolean;
  /** Result key holding a mapping entry → fields object, one file per entry. */
  readonly key: string | undefined;
  /** Graph options; their `path` is still a template relative to the block's folder. */
  readonly graphs: readonly GraphOptions[];
}

/** Where the config sits, for error messages. */
export interface CollectConfigSource {
  readonly file: string;
  readonly line?: number | undefined;
  readonly col?: number | undefined;
  /** Key path of the `timeseries collect` value itself. */
  readonly keyPath: string;
}

const KNOWN_KEYS = ['path', 'interval', 'fields', 'archives', 'key', 'graph'];
const FIELD_KEYS = ['type', 'heartbeat', 'min', 'max'];

export function parseCollectConfig(raw: unknown, source: CollectConfigSource): CollectConfig {
  const where = (sub?: string): SourceLocation => ({
    file: source.file,
    line: source.line,
    col: source.col,
    keyPath: sub === undefined ? source.keyPath : `${source.keyPath}.${sub}`,
  });
  const fail: Fail = (sub, rule, ...value) => {
    const loc = where(sub);
    const shown = value.length > 0 ? `; got ${describe(value[0])}` : '';
    throw new InputError('PB_ERR_VALIDATION', `timeseries collect ${loc.keyPath}: ${rule}${shown}`, { location: loc });
  };

  if (!isMapping(raw)) return fail(undefined, 'must be a mapping with path, interval and fields', raw);
  for (const k of Object.keys(raw)) {
    if (!KNOWN_KEYS.includes(k)) fail(k, `unknown key (known: ${KNOWN_KEYS.join(', ')})`);
  }

  const path = raw.path;
  if (typeof path !== 'string' || path.trim() === '') fail('path', 'is required: a file path such as cpu.rrd', path);
  const step = wholeSeconds(raw.interval, 'interval', fail, true) as number;

  const key = raw.key;
  if (key !== undefined && key !== null && (typeof key !== 'string' || key === '')) {
    fail('key', 'must be the name of a result key', key);
  }
  const keyName = typeof key === 'string' ? key : undefined;
  if (keyName !== undefined && !(path as string).includes(KEY_PLACEHOLDER)) {
    fail('path', `must contain ${KEY_PLACEHOLDER} when key is given (one file per entry)`, path);
  }

  if (!isMapping(raw.fields) || Object.keys(raw.fields).length === 0) {
    fail('fields', 'must be a mapping of field name → {type, heartbeat?, min?, max?}', raw.fields);
  }
  const fields = Object.entries(raw.fields as Record<string, unknown>).map(([name, spec]): DsDef => {
    const at = `fields.${name}`;
    if (!isMapping(spec)) return fail(at, 'must be a mapping such as {type: GAUGE}', spec);
    for (const k of Object.keys(spec)) {
      if (!FIELD_KEYS.includes(k)) fail(`${at}.${k}`, `unknown key (known: ${FIELD_KEYS.join(', ')})`);
    }
    const type = typeof spec.type === 'string' ? spec.type.toUpperCase() : spec.type;
    if (!DS_TYPES.includes(type as DsType)) fail(`${at}.type`, `must be one of ${DS_TYPES.join(', ')}`, spec.type);
    const heartbeat = spec.heartbeat === undefined ? 2 * step : (wholeSeconds(spec.heartbeat, `${at}.heartbeat`, fail, true) as number);
    return {
      name,
      type: type as DsType,
      heartbeat,
      min: limit(spec.min, `${at}.min`, fail),
      max: limit(spec.max, `${at}.max`, fail),
    };
  });

  const archivesGiven = raw.archives !== undefined && raw.archives !== null;
  let archives: RraDef[] = defaultArchives();
  if (archivesGiven) {
    if (!Array.isArray(raw.archives) || raw.archives.length === 0) {
      fail('archives', 'must be a non-empty list of "CF xff steps rows" entries', raw.archives);
    }
    archives = (raw.archives as unknown[]).map((a, i) => parseArchive(a, `archives[${i}]`, fail));
  }

  // The store's own rules, reported at the block's key path.
  try {
    resolveDefinition({ step, ds: fields, rra: archives }, path as string);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const sub = e.location?.keyPath ?? '';
    const m = /^(ds|rra)\[(\d+)\](.*)$/.exec(sub);
    const mapped =
      m === null
        ? sub === 'step'
          ? 'interval'
          : undefined
        : m[1] === 'ds'
          ? `fields.${fields[Number(m[2])]?.name ?? m[2]}${m[3] === '.name' ? '' : (m[3] ?? '')}`
          : `archives[${m[2]}]${m[3] ?? ''}`;
    throw new InputError(e.code, `timeseries collect ${where(mapped).keyPath}: ${e.message}`, { location: where(mapped), cause: e });
  }

  const graphs: GraphOptions[] = [];
  if (raw.graph !== undefined && raw.graph !== null) {
    const list = Array.isArray(raw.graph) ? raw.graph : [raw.graph];
    list.forEach((g, i) => {
      const at = Array.isArray(raw.graph) ? `graph[${i}]` : 'graph';
      const opts = parseGraphOptions(g, where(at).keyPath ?? at, { file: source.file, line: source.line, col: source.col });
      for (const f of opts.fields ?? []) {
        if (!fields.some((d) => d.name === f)) fail(`${at}.fields`, `names a field not in fields (${fields.map((d) => d.name).join(', ')})`, f);
      }
      if (keyName !== undefined && !opts.path.includes(KEY_PLACEHOLDER)) {
        fail(`${at}.path`, `must contain ${KEY_PLACEHOLDER} when key is given (one graph per entry)`, opts.path);
      }
      if (opts.interval !== undefined && opts.interval < 1) fail(`${at}.interval`, 'must be at least 1 second', opts.interval);
      graphs.push(opts);
    });
  }

  return Object.freeze({
    path: path as string,
    step,
    fields: Object.freeze(fields.map((f) => Object.freeze(f))),
    archives: Object.freeze(archives.map((a) => Object.freeze(a))),
    archivesGiven,
    key: keyName,
    graphs: Object.freeze(graphs),
  });
}

/** Throw PB_ERR_VALIDATION at `sub`; a given `value` (even undefined) is shown. */
type Fail = (sub: string | undefined, rule: string, ...value: [unknown?]) => never;

function wholeSeconds(v: unknown, at: string, fail: Fail, required: boolean): number | undefined {
  if (v === undefined || v === null) {
    if (required) fail(at, 'is required: whole seconds ≥ 1 (or a duration like 30s, 5m)');
    return undefined;
  }
  const s = parseDurationSeconds(v);
  if (s === undefined || !Number.isInteger(s) || s < 1) fail(at, 'must be whole seconds ≥ 1 (or a duration like 30s, 5m)', v);
  return s;
}

function limit(v: unknown, at: string, fail: Fail): number | undefined {
  if (v === undefined || v === null || v === 'U' || v === 'u') return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) return fail(at, 'must be a number, U or null', v);
  return n;
}

function parseArchive(a: unknown, at: string, fail: Fail): RraDef {
  let cf: unknown;
  let xff: unknown;
  let steps: unknown;
  let rows: unknown;
  if (typeof a === 'string') {
    const parts = a.trim().replace(/^RRA:/i, '').split(/[\s:]+/);
    if (parts.length !== 4) return fail(at, 'must be "CF xff steps rows" (e.g. "AVERAGE 0.5 1 86400")', a);
    [cf, xff, steps, rows] = [parts[0]?.toUpperCase(), Number(parts[1]), Number(parts[2]), Number(parts[3])];
  } else if (isMapping(a)) {
    for (const k of Object.keys(a)) if (!['cf', 'xff', 'steps', 'rows'].includes(k)) fail(`${at}.${k}`, 'unknown key (known: cf, xff, steps, rows)');
    cf = typeof a.cf === 'string' ? a.cf.toUpperCase() : a.cf;
    ({ xff, steps, rows } = a);
  } else {
    return fail(at, 'must be "CF xff steps rows" or {cf, xff, steps, rows}', a);
  }
  if (!CFS.includes(cf as ConsolidationFn)) fail(at, `consolidation function must be one of ${CFS.join(', ')}`, a);
  for (const [name, v] of [['xff', xff], ['steps', steps], ['rows', rows]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(at, `${name} must be a number`, a);
  }
  return { cf: cf as ConsolidationFn, xff: xff as number, steps: steps as number, rows: rows as number };
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return `a list (${JSON.stringify(v)})`;
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}
