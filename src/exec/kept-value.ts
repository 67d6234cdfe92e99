/**
 * Call values a worker keeps between calls: a call's `block` and `blockParent` (issue 13: a
 * RunThread tick used to send its whole run list — 26 KB in a 200-thread block — and the mapping
 * holding it on every tick, so the cost of a tick grew with the block).
 *
 * A value that is deeply frozen (the engine's block data always is) is named by a content key,
 * computed once per object: the runner sends it to a worker once and afterwards only the key,
 * and the worker keeps a deep-frozen copy (so no call can change what the next one sees). Any
 * other value (not an object, or not deeply frozen, so it may change between calls) is sent
 * with every call, as before.
 */
import { serialize } from './v8-serialize.js';
import { bytesKey } from '../core/content-key.js';

/** Values a worker keeps at most; beyond it the runner tells the worker to start over. */
export const MAX_KEPT_PER_WORKER = 64;

/** A kept value on its way to a worker: `value` is undefined when the worker already keeps `key`. */
export interface KeptValue {
  value: unknown;
  /** Content key, or undefined when the value is sent with every call. */
  readonly key: string | undefined;
}

const keys = new WeakMap<object, string | null>();

/** The content key of `value`, or undefined when it must be sent with every call. */
export function keyOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !Object.isFrozen(value)) return undefined;
  let key = keys.get(value);
  if (key === undefined) {
    key = null;
    if (isDeepFrozen(value, new Set())) {
      try {
        key = bytesKey(serialize(value));
      } catch {
        // Cannot be cloned: sent with the call, which then fails with a DataCloneError.
      }
    }
    keys.set(value, key);
  }
  return key ?? undefined;
}

export function keptValue(value: unknown): KeptValue {
  return { value, key: keyOf(value) };
}

function isDeepFrozen(value: object, seen: Set<object>): boolean {
  if (seen.has(value)) return true;
  seen.add(value);
  if (!Object.isFrozen(value)) return false;
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null && !isDeepFrozen(child as object, seen)) return false;
  }
  return true;
}

/**
 * As a call is handed to a worker that keeps the values whose keys are in `kept`: clear the
 * value of each one it keeps already (only the key travels), note the others as kept, and return
 * their keys (to forget again should the payload never reach the worker). Beyond
 * MAX_KEPT_PER_WORKER the worker is told to start over (`reset`). The worker reads the values in
 * the order given.
 */
export function sendOnce(values: readonly KeptValue[], kept: Set<string>): { added: string[]; reset: boolean } {
  const added: string[] = [];
  let reset = false;
  if (values.every((kv) => kv.key === undefined)) return { added, reset };
  if (kept.size + values.length > MAX_KEPT_PER_WORKER) {
    kept.clear();
    reset = true;
  }
  for (const kv of values) {
    if (kv.key === undefined) continue;
    if (kept.has(kv.key)) {
      kv.value = undefined;
      continue;
    }
    kept.add(kv.key);
    added.push(kv.key);
  }
  return { added, reset };
}

/** Freeze `value` and everything in it (the worker's copy of a kept value). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
