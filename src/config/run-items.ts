/**
 * Every run item of a loaded block, with its key path, found the way the engine will meet them:
 * `run` lists, `run simultaneous` lists, `if`/`elif`/`else` branches, nested data mappings, lock
 * `timeout_block`s and the pages and RPC entries of `dropstar:`. Lists are data and custom-tag values belong to their scripts, so neither
 * is searched. Pure; used by `procblock --check` (scripts to load, time series to check).
 */
import { classifyKey } from '../language/tag-key.js';
import { isPlainObject } from './plain-object.js';
import type { CustomTagSpec, KeyPath } from './types.js';

export interface RunItemRef {
  readonly item: Readonly<Record<string, unknown>>;
  /** `['run', 0]`, `['nested', 'if x > 1', 'run', 2]`, `['run simultaneous', 'a', 0]`. */
  readonly path: KeyPath;
}

export function runItems(data: Readonly<Record<string, unknown>>, tags: readonly CustomTagSpec[]): RunItemRef[] {
  const out: RunItemRef[] = [];
  const list = (value: unknown, at: KeyPath): void => {
    if (!Array.isArray(value)) return;
    value.forEach((item: unknown, i) => {
      if (isPlainObject(item)) out.push({ item, path: [...at, i] });
    });
  };
  const level = (mapping: Readonly<Record<string, unknown>>, at: KeyPath): void => {
    for (const [key, value] of Object.entries(mapping)) {
      const here = [...at, key];
      switch (classifyKey(key, tags).kind) {
        case 'run':
          list(value, here);
          break;
        case 'run simultaneous':
          if (isPlainObject(value)) for (const [name, l] of Object.entries(value)) list(l, [...here, name]);
          break;
        case 'dropstar':
          // Pages and RPC entries are levels processed per request (their scripts run too).
          if (isPlainObject(value)) {
            for (const group of ['pages', 'rpc']) {
              const entries = value[group];
              if (isPlainObject(entries)) for (const [name, entry] of Object.entries(entries)) if (isPlainObject(entry)) level(entry, [...here, group, name]);
            }
          }
          break;
        case 'require lock':
          if (isPlainObject(value) && isPlainObject(value['timeout_block'])) level(value['timeout_block'], [...here, 'timeout_block']);
          break;
        case 'if':
        case 'elif':
        case 'else':
        case 'data':
          if (isPlainObject(value)) level(value, here);
          break;
        default:
          break;
      }
    }
  };
  level(data, []);
  return out;
}
