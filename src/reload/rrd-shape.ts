/**
 * What a `timeseries collect` declaration makes its round-robin file hold: the step, the fields
 * (data sources) and, when written, the archives. Two declarations of the same file with
 * different shapes cannot both be right for the file on disk, so hot reload refuses such a change
 * (SPEC §8). Pure.
 *
 * The declaration is normalised with the collector's own rules (parseCollectConfig: default
 * heartbeat, archive spellings), so writing a default out is not a change. A declaration that
 * still holds `%(name)s` placeholders (filled from pipe data when the item starts) is compared as
 * written.
 */
import { parseCollectConfig } from '../timeseries/collect-config.js';

export interface RrdShape {
  /** The file's path as written (relative to the run's folder; may hold placeholders). */
  readonly path: string;
  /** Step, fields and archives, as comparable text. */
  readonly shape: string;
}

const COLLECT_KEYS = ['timeseries collect', 'timeseries_collect'] as const;

export function collectOf(item: Readonly<Record<string, unknown>>): unknown {
  for (const k of COLLECT_KEYS) if (item[k] !== undefined) return item[k];
  return undefined;
}

export function rrdShape(collect: unknown): RrdShape | undefined {
  if (collect === null || typeof collect !== 'object' || Array.isArray(collect)) return undefined;
  const raw = collect as Record<string, unknown>;
  if (typeof raw['path'] !== 'string') return undefined;
  try {
    const c = parseCollectConfig(raw, { file: '<reload>', keyPath: 'timeseries collect' });
    const fields = c.fields.map((f) => `${f.name}:${f.type}:${f.heartbeat}:${limit(f.min)}:${limit(f.max)}`).join(' ');
    const archives = c.archivesGiven ? c.archives.map((a) => `${a.cf}:${a.xff}:${a.steps}:${a.rows}`).join(' ') : 'default';
    return { path: c.path, shape: `step ${c.step}; fields ${fields}; archives ${archives}` };
  } catch {
    const { interval, fields, archives } = raw;
    return { path: raw['path'], shape: `as written: ${JSON.stringify({ interval, fields, archives })}` };
  }
}

/** How two shapes of one file differ, in words ("fields", "step", …), or undefined when equal. */
export function shapeChange(before: RrdShape, after: RrdShape): string | undefined {
  if (before.shape === after.shape) return undefined;
  const parts = (s: string): Record<string, string> =>
    Object.fromEntries(s.split('; ').map((p) => [p.split(' ')[0] ?? '', p] as const));
  const a = parts(before.shape);
  const b = parts(after.shape);
  const what = ['step', 'fields', 'archives'].filter((k) => a[k] !== b[k]);
  return what.length > 0 ? what.join(' and ') : 'definition';
}

function limit(v: number | undefined): string {
  return v === undefined || Number.isNaN(v) ? 'U' : String(v);
}
