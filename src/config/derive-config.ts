/**
 * The `timeseries derive` value of a run item (SPEC §9), resolved once. Pure.
 *
 *   timeseries derive:
 *     sources:                       # optional: round-robin files written elsewhere (read-only)
 *       web1: ../web1/data/web.rrd   # or {path: ...}; relative to the block's folder
 *     fields:                        # derived field → expression, computed in this order
 *       total_ms: "web1.ms + web2.ms"
 *       fast_pct: "pct(ms < 200, last 20)"
 *
 * A derived field may read fields of the item's own result, of other RunThreads (`thread.field`),
 * of the named sources (`alias.field`, whose samples are the file's rows) and derived fields
 * computed above it.
 */
import { seriesNeeds, type AlertExpression } from '../language/alert-expr/index.js';
import { expression, show, type ConfigProblem } from './alert-config.js';
import { isPlainObject } from './plain-object.js';
import type { KeyPath } from './types.js';

export const DERIVE_KEYS = ['sources', 'fields'] as const;

export interface DeriveSource {
  readonly name: string;
  /** As written, relative to the folder of the file holding the item. */
  readonly path: string;
}

export interface DerivedField {
  readonly name: string;
  readonly expression: AlertExpression;
}

export interface DeriveSpec {
  readonly sources: readonly DeriveSource[];
  readonly fields: readonly DerivedField[];
  readonly path: KeyPath;
}

export function resolveDerive(raw: unknown, at: KeyPath): { spec: DeriveSpec | undefined; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const bad = (path: KeyPath, message: string, schema = true): void => void problems.push({ code: 'PB_ERR_VALIDATION', path, message, schema });
  if (!isPlainObject(raw)) {
    bad(at, `timeseries derive takes {sources?, fields: {name: expression}}, got ${show(raw)}`);
    return { spec: undefined, problems };
  }
  for (const k of Object.keys(raw)) {
    if (!(DERIVE_KEYS as readonly string[]).includes(k)) bad([...at, k], `unknown option '${k}' for timeseries derive; expected one of ${DERIVE_KEYS.join(', ')}`);
  }
  const sources: DeriveSource[] = [];
  if (raw.sources !== undefined && raw.sources !== null) {
    if (!isPlainObject(raw.sources)) bad([...at, 'sources'], `sources takes a mapping of name → file path, got ${show(raw.sources)}`);
    else {
      for (const [name, v] of Object.entries(raw.sources)) {
        const p = isPlainObject(v) ? v.path : v;
        if (isPlainObject(v)) for (const k of Object.keys(v)) if (k !== 'path') bad([...at, 'sources', name, k], `unknown option '${k}' for a source; expected path`);
        if (typeof p !== 'string' || p.trim() === '') bad([...at, 'sources', name], `a source is a round-robin file path such as data/web1.rrd, got ${show(v)}`);
        else sources.push(Object.freeze({ name, path: p }));
      }
    }
  }
  const fields: DerivedField[] = [];
  if (!isPlainObject(raw.fields) || Object.keys(raw.fields).length === 0) {
    bad([...at, 'fields'], `fields is required: a mapping of derived field → expression, e.g. {total: "a.x + b.x"}; got ${show(raw.fields)}`);
  } else {
    const names = Object.keys(raw.fields);
    for (const [name, v] of Object.entries(raw.fields)) {
      const p = [...at, 'fields', name];
      const e = expression(v, p, problems, true);
      if (!e) continue;
      // A derived field may read those computed above it, not itself or those below (computed later).
      const later = names.slice(names.indexOf(name));
      const own = seriesNeeds(e.root).find((n) => n.thread === undefined)?.fields ?? [];
      const early = own.find((f) => later.includes(f));
      if (early !== undefined) {
        bad(p, `'${name}' reads derived field '${early}', which is computed ${early === name ? 'by this very expression' : 'below it'}; order the fields so each reads only those above`, false);
      }
      fields.push(Object.freeze({ name, expression: e }));
    }
  }
  if (problems.length > 0) return { spec: undefined, problems };
  return { spec: Object.freeze({ sources: Object.freeze(sources), fields: Object.freeze(fields), path: Object.freeze([...at]) }), problems };
}
