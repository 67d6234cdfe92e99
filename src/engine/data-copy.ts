/**
 * Copies of block data, decided once per value instead of per run.
 *
 * A data value stored in a result is a copy of the block's value (SPEC §2.1: the block is never
 * mutated through a result), which `structuredClone` used to make on every run. For a value
 * that is deeply frozen and a plain tree (plain objects and dense arrays of primitives, no value
 * reached twice), a walk makes the same copy several times faster and a primitive needs none;
 * anything else (class instances, shared references, values that may change) is still
 * `structuredClone`d on every run, so the result is the same either way.
 */

/** Makes a fresh copy of one value of the block, as `structuredClone` would. */
export type DataCopy = () => unknown;

/** The copier for `value`, chosen once (`value` must not change while the copier is used: frozen block data). */
export function dataCopier(value: unknown): DataCopy {
  if (typeof value !== 'object' || value === null) {
    // Primitives are immutable; symbols and functions cannot be cloned and keep their error.
    if (typeof value === 'symbol' || typeof value === 'function') return () => structuredClone(value);
    return () => value;
  }
  if (isFrozenPlainTree(value, new Set())) return () => copyPlainTree(value);
  return () => structuredClone(value);
}

/**
 * Whether `value` is deeply frozen and made only of primitives (not symbols), plain objects
 * (prototype `Object.prototype` or null; string-keyed data properties; no `__proto__` key) and
 * dense arrays without extra properties, with no object reached twice — the values whose
 * `structuredClone` equals `copyPlainTree`.
 */
export function isFrozenPlainTree(value: unknown, seen: Set<object>): boolean {
  if (typeof value !== 'object' || value === null) return typeof value !== 'symbol' && typeof value !== 'function';
  if (seen.has(value) || !Object.isFrozen(value)) return false;
  seen.add(value);
  const proto = Object.getPrototypeOf(value) as unknown;
  if (Array.isArray(value)) {
    if (proto !== Array.prototype) return false;
    const keys = Object.keys(value);
    if (keys.length !== value.length) return false; // holes or extra properties
    for (let i = 0; i < value.length; i++) {
      if (!Object.hasOwn(value, i) || !isFrozenPlainTree(value[i], seen)) return false;
    }
    return true;
  }
  if (proto !== Object.prototype && proto !== null) return false;
  if (Object.getOwnPropertySymbols(value).length > 0) return false;
  for (const key of Object.keys(value)) {
    if (key === '__proto__') return false;
    const d = Object.getOwnPropertyDescriptor(value, key);
    if (!d || !('value' in d) || !isFrozenPlainTree(d.value, seen)) return false;
  }
  return true;
}

/** A copy of a value `isFrozenPlainTree` accepted: new plain objects and arrays, unfrozen. */
export function copyPlainTree(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copyPlainTree(value[i]);
    return out;
  }
  const out: Record<string, unknown> = {};
  const source = value as Record<string, unknown>;
  for (const key of Object.keys(source)) out[key] = copyPlainTree(source[key]);
  return out;
}
