/**
 * Which top-level keys a script set or deleted on its copy of pipe data (SPEC §3.1: top-level
 * changes are applied to the real pipe data). A snapshot is taken before the call: primitives by
 * value, objects as their v8 serialization, so in-place mutations (`pipeData.list.push(x)`) are
 * seen too. Comparing serializations is conservative: a reordered object counts as changed.
 */
import { serialize } from 'node:v8';
import type { PlainObject } from './types.js';

export interface PipeDataSnapshot {
  readonly refs: Map<string, unknown>;
  readonly bytes: Map<string, Buffer>;
}

export function snapshotPipeData(pipeData: PlainObject): PipeDataSnapshot {
  const refs = new Map<string, unknown>();
  const bytes = new Map<string, Buffer>();
  for (const key of Object.keys(pipeData)) {
    const value = pipeData[key];
    refs.set(key, value);
    if (typeof value === 'object' && value !== null) bytes.set(key, serialize(value));
  }
  return { refs, bytes };
}

export interface PipeDataChanges {
  readonly set: PlainObject;
  readonly deleted: string[];
}

export function diffPipeData(before: PipeDataSnapshot, after: PlainObject): PipeDataChanges {
  const set: PlainObject = {};
  const deleted: string[] = [];
  for (const key of before.refs.keys()) {
    if (!Object.prototype.hasOwnProperty.call(after, key)) deleted.push(key);
  }
  for (const key of Object.keys(after)) {
    const value = after[key];
    if (!before.refs.has(key) || !Object.is(before.refs.get(key), value)) {
      set[key] = value;
      continue;
    }
    const old = before.bytes.get(key);
    if (old !== undefined && !old.equals(serialize(value))) set[key] = value;
  }
  return { set, deleted };
}
