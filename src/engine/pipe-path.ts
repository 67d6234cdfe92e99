/**
 * Dot paths into pipe data, used by `set`/`list`/`increment` names and `%(key)s` template
 * placeholders. Segments are keys; on lists a segment is an index (negative counts from the
 * end). A top-level key that literally contains dots (`run_thread.simplest`) wins over walking.
 */
import type { PipeData } from './types.js';

export interface PathLookup {
  readonly found: boolean;
  readonly value: unknown;
}

const MISSING: PathLookup = { found: false, value: undefined };

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

export function splitPath(path: string): string[] {
  return path.split('.');
}

/** Read `path` from `root`. */
export function getPath(root: PipeData, path: string): PathLookup {
  if (Object.hasOwn(root, path)) return { found: true, value: root[path] };
  let cur: unknown = root;
  for (const seg of splitPath(path)) {
    if (Array.isArray(cur)) {
      const i = listIndex(cur, seg);
      if (i === undefined) return MISSING;
      cur = cur[i];
    } else if (isPlainObject(cur) && Object.hasOwn(cur, seg)) {
      cur = cur[seg];
    } else {
      return MISSING;
    }
  }
  return { found: true, value: cur };
}

/**
 * Write `value` at `path`, creating missing intermediate mappings. Throws a TypeError naming
 * the segment when an intermediate value is a scalar (the caller adds the block location).
 */
export function setPath(root: PipeData, path: string, value: unknown): void {
  const segs = splitPath(path);
  let cur: Record<string, unknown> | unknown[] = root;
  for (let n = 0; n < segs.length; n++) {
    const seg = segs[n] as string;
    const last = n === segs.length - 1;
    if (Array.isArray(cur)) {
      const i = listIndex(cur, seg);
      if (i === undefined) throw new TypeError(`segment "${seg}" of "${path}" is not an index of the list there`);
      if (last) {
        cur[i] = value;
        return;
      }
      cur = descend(cur[i], (v) => ((cur as unknown[])[i] = v), seg, path);
    } else {
      if (last) {
        cur[seg] = value;
        return;
      }
      const obj: Record<string, unknown> = cur;
      cur = descend(obj[seg], (v) => (obj[seg] = v), seg, path);
    }
  }
}

function descend(
  next: unknown,
  create: (v: Record<string, unknown>) => void,
  seg: string,
  path: string,
): Record<string, unknown> | unknown[] {
  if (next === undefined || next === null) {
    const fresh: Record<string, unknown> = {};
    create(fresh);
    return fresh;
  }
  if (Array.isArray(next) || isPlainObject(next)) return next;
  throw new TypeError(`"${seg}" in "${path}" holds a ${typeof next}, not a mapping or list`);
}

function listIndex(list: readonly unknown[], seg: string): number | undefined {
  if (!/^-?\d+$/.test(seg)) return undefined;
  const raw = Number(seg);
  const i = raw < 0 ? list.length + raw : raw;
  return i >= 0 && i < list.length ? i : undefined;
}
