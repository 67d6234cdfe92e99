/**
 * Every run item of a block that becomes a RunThread (`cache:` set), found the way the engine
 * walks levels (if/elif/else branches, run lists, `run simultaneous`, lock timeout blocks,
 * nested data levels), whether or not a branch will be taken. Validation uses it to check
 * `thread.field` references; the runtime sizes the windows of alerts and derived series from it
 * before the first tick, so a thread read by another has kept its samples from its start.
 */
import path from 'node:path';
import { classifyKey } from '../language/tag-key.js';
import { isPlainObject } from './plain-object.js';
import type { CustomTagSpec, KeyPath } from './types.js';

export interface RunThreadItem {
  /** The RunThread id (as the engine names it), or undefined when it cannot be known here. */
  readonly id: string | undefined;
  readonly item: Readonly<Record<string, unknown>>;
  readonly path: KeyPath;
}

export const DERIVE_KEYS_ON_ITEM = ['timeseries derive', 'timeseries_derive'] as const;

export function runThreadItems(data: Readonly<Record<string, unknown>>, tags: readonly CustomTagSpec[] = []): RunThreadItem[] {
  const out: RunThreadItem[] = [];
  walkLevel(data, [], tags, out);
  return out;
}

/** Is this run item a RunThread (a `cache` that is not off)? */
export function isRunThreadItem(item: Readonly<Record<string, unknown>>): boolean {
  const c = item.cache;
  return c !== undefined && c !== null && c !== false && c !== 0 && c !== '0';
}

/** The engine's rule (engine/run-items/cached-item.ts): `thread_id`, else the script's base name. */
export function runThreadId(item: Readonly<Record<string, unknown>>): string | undefined {
  const given = item.thread_id;
  if (typeof given === 'string' && given !== '') return given;
  if (typeof given === 'number') return String(given);
  if (typeof item.script === 'string' && item.script !== '') return path.basename(item.script, path.extname(item.script));
  return undefined;
}

/** The item's `timeseries derive` value, under either spelling. */
export function deriveValue(item: Readonly<Record<string, unknown>>): unknown {
  for (const k of DERIVE_KEYS_ON_ITEM) if (item[k] !== undefined) return item[k];
  return undefined;
}

function walkLevel(level: Readonly<Record<string, unknown>>, at: KeyPath, tags: readonly CustomTagSpec[], out: RunThreadItem[]): void {
  for (const [key, value] of Object.entries(level)) {
    const p = [...at, key];
    switch (classifyKey(key, tags).kind) {
      case 'if':
      case 'elif':
      case 'else':
      case 'data':
        if (isPlainObject(value)) walkLevel(value, p, tags, out);
        break;
      case 'run':
        walkList(value, p, out);
        break;
      case 'run simultaneous':
        if (isPlainObject(value)) for (const [name, list] of Object.entries(value)) walkList(list, [...p, name], out);
        break;
      case 'require lock':
        if (isPlainObject(value) && isPlainObject(value.timeout_block)) walkLevel(value.timeout_block, [...p, 'timeout_block'], tags, out);
        break;
      default:
        break;
    }
  }
}

function walkList(list: unknown, at: KeyPath, out: RunThreadItem[]): void {
  if (!Array.isArray(list)) return;
  list.forEach((item, i) => {
    if (isPlainObject(item) && isRunThreadItem(item)) out.push({ id: runThreadId(item), item, path: [...at, i] });
  });
}
