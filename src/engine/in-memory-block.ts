/**
 * A `LoadedBlock` made from a plain object (library use, tests): no YAML, so locations name
 * only the pseudo file and the key path. The data is deep-copied and frozen; the caller's
 * object is untouched.
 */
import path from 'node:path';
import type { CustomTagSpec, LoadedBlock, UsageSpec } from '../config/types.js';
import { formatKeyPath } from '../core/errors.js';

export interface InMemoryBlockOptions {
  /** Pseudo file name for messages; relative script/template paths resolve against its folder. Default `<memory>` in the process cwd. */
  file?: string | undefined;
  tags?: readonly CustomTagSpec[] | undefined;
  usage?: UsageSpec | undefined;
}

export function blockFromObject(data: Readonly<Record<string, unknown>>, options: InMemoryBlockOptions = {}): LoadedBlock {
  const file = path.resolve(options.file ?? '<memory>');
  const frozen = deepFreeze(structuredClone(data) as Record<string, unknown>);
  return {
    file,
    dir: path.dirname(file),
    data: frozen,
    usage: options.usage,
    tags: options.tags ?? [],
    files: [],
    locate: (p) => ({ file, keyPath: formatKeyPath(p) }),
  };
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
