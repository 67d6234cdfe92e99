/**
 * `__usage` → `UsageSpec` (SPEC §1.1). Defensive: shapes were checked by the schema, but a block
 * loaded with `validate: false` must not crash here.
 *
 * Choices where the spec is silent:
 * - An option without `type` is a `flag` when its default is a boolean, else a `value`.
 * - `cwd`, `pidfile` and `logfile` resolve against the YAML file's folder.
 */
import path from 'node:path';
import { isPlainObject } from './plain-object.js';
import type { UsageArg, UsageOption, UsageSpec } from './types.js';

export function extractUsage(raw: unknown, dir: string): UsageSpec | undefined {
  if (!isPlainObject(raw)) return undefined;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
  const file = (v: unknown): string | undefined => {
    const s = str(v);
    return s === undefined || s === '' ? undefined : path.resolve(dir, s);
  };
  const args: UsageArg[] = [];
  if (Array.isArray(raw['args'])) {
    for (const a of raw['args']) {
      if (!isPlainObject(a) || str(a['name']) === undefined) continue;
      args.push({
        name: str(a['name']) as string,
        info: str(a['info']),
        required: a['required'] === true,
        remaining: a['remaining'] === true,
        ...('default' in a ? { default: a['default'] } : {}),
      });
    }
  }
  const options: UsageOption[] = [];
  if (isPlainObject(raw['options'])) {
    for (const [name, o] of Object.entries(raw['options'])) {
      const spec = isPlainObject(o) ? o : {};
      const hasDefault = 'default' in spec;
      const type = spec['type'] === 'flag' || spec['type'] === 'value' ? spec['type'] : typeof spec['default'] === 'boolean' ? 'flag' : 'value';
      options.push({
        name,
        letter: str(spec['letter']),
        type,
        info: str(spec['info']),
        hasDefault,
        ...(hasDefault ? { default: spec['default'] } : {}),
      });
    }
  }
  return {
    name: str(raw['name']),
    author: str(raw['author']),
    info: str(raw['info']),
    website: str(raw['website']),
    longrunning: raw['longrunning'] === true,
    daemon: raw['daemon'] === true,
    pidfile: file(raw['pidfile']),
    logfile: file(raw['logfile']),
    cwd: file(raw['cwd']),
    args,
    options,
  };
}
