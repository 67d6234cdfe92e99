/**
 * Which top-level keys a script set or deleted on its copy of pipe data (SPEC §3.1: top-level
 * changes are applied to the real pipe data). A structured clone is taken before the call and
 * compared deeply after it, so in-place mutations (`pipeData.list.push(x)`) are seen too.
 * (One structuredClone + a JS walk measured ~4× cheaper than v8-serializing each value twice.)
 */
import { serialize } from './v8-serialize.js';
import type { PlainObject } from './types.js';

export type PipeDataSnapshot = PlainObject;

export function snapshotPipeData(pipeData: PlainObject): PipeDataSnapshot {
  return structuredClone(pipeData);
}

export interface PipeDataChanges {
  readonly set: PlainObject;
  readonly deleted: string[];
}

export function diffPipeData(before: PipeDataSnapshot, after: PlainObject): PipeDataChanges {
  const set: PlainObject = {};
  const deleted: string[] = [];
  for (const key of Object.keys(before)) {
    if (!Object.prototype.hasOwnProperty.call(after, key)) deleted.push(key);
  }
  for (const key of Object.keys(after)) {
    const value = after[key];
    if (!Object.prototype.hasOwnProperty.call(before, key) || !deepEqual(before[key], value)) set[key] = value;
  }
  return { set, deleted };
}

/** Equality of structured-clone values; key order does not matter. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const pa = Object.getPrototypeOf(a) as unknown;
  if (pa !== Object.getPrototypeOf(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], bb[i])) return false;
    return true;
  }
  if (pa === Object.prototype || pa === null) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) {
      if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
      if (!deepEqual((a as PlainObject)[k], (b as PlainObject)[k])) return false;
    }
    return true;
  }
  if (a instanceof Date) return a.getTime() === (b as Date).getTime();
  // Maps, Sets, typed arrays, errors, ...: rare in pipe data; compare their serializations.
  try {
    return serialize(a).equals(serialize(b));
  } catch {
    return false;
  }
}
