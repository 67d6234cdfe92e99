/**
 * Whether a value can cross threads (structured clone), checked by a walk that is far cheaper
 * than serializing. A value piscina then fails to send would crash the worker; this lets the
 * call fail with a message naming the offending path instead. Exotic cases the walk does not
 * know still fail safely (PB_ERR_WORKER_EXIT, the pool keeps serving).
 */
const UNCLONEABLE_PROTOS: readonly object[] = [Promise.prototype, WeakMap.prototype, WeakSet.prototype, WeakRef.prototype];

/**
 * Returns the path of the first value that cannot be cloned, or undefined when all can. The walk
 * builds no path text unless it finds one (it runs on every script call's outcome).
 */
export function findUncloneable(value: unknown, path: string): string | undefined {
  const trail: string[] = [];
  const what = walk(value, trail, new Set());
  return what === undefined ? undefined : `${path}${trail.reverse().join('')} (${what})`;
}

/** What cannot be cloned at or under `value`, its path pushed on `trail` innermost first; or undefined. */
function walk(value: unknown, trail: string[], seen: Set<object>): string | undefined {
  const t = typeof value;
  if (t === 'function' || t === 'symbol') return t;
  if (t !== 'object' || value === null) return undefined;
  const obj = value as object;
  if (seen.has(obj)) return undefined;
  seen.add(obj);
  const proto = Object.getPrototypeOf(obj) as object | null;
  if (proto !== null && UNCLONEABLE_PROTOS.includes(proto)) return (proto as { constructor: { name: string } }).constructor.name;
  if (Array.isArray(obj)) {
    for (let i = 0; i < obj.length; i++) {
      const bad = walk(obj[i], trail, seen);
      if (bad !== undefined) {
        trail.push(`[${i}]`);
        return bad;
      }
    }
    return undefined;
  }
  if (obj instanceof Map) {
    for (const [k, v] of obj) {
      let bad = walk(k, trail, seen);
      if (bad !== undefined) {
        trail.push('<key>');
        return bad;
      }
      bad = walk(v, trail, seen);
      if (bad !== undefined) {
        trail.push(`.get(${String(k)})`);
        return bad;
      }
    }
    return undefined;
  }
  if (obj instanceof Set) {
    for (const v of obj) {
      const bad = walk(v, trail, seen);
      if (bad !== undefined) {
        trail.push('<item>');
        return bad;
      }
    }
    return undefined;
  }
  if (ArrayBuffer.isView(obj) || obj instanceof Date || obj instanceof RegExp || obj instanceof ArrayBuffer) return undefined;
  for (const k in obj) {
    if (!Object.hasOwn(obj, k)) continue;
    const bad = walk((obj as Record<string, unknown>)[k], trail, seen);
    if (bad !== undefined) {
      trail.push(`.${k}`);
      return bad;
    }
  }
  return undefined;
}
