/**
 * Whether a value can cross threads (structured clone), checked by a walk that is far cheaper
 * than serializing. A value piscina then fails to send would crash the worker; this lets the
 * call fail with a message naming the offending path instead. Exotic cases the walk does not
 * know still fail safely (PB_ERR_WORKER_EXIT, the pool keeps serving).
 */
const UNCLONEABLE_PROTOS: readonly object[] = [Promise.prototype, WeakMap.prototype, WeakSet.prototype, WeakRef.prototype];

/** Returns the path of the first value that cannot be cloned, or undefined when all can. */
export function findUncloneable(value: unknown, path: string, seen: Set<object> = new Set()): string | undefined {
  const t = typeof value;
  if (t === 'function' || t === 'symbol') return `${path} (${t})`;
  if (t !== 'object' || value === null) return undefined;
  const obj = value as object;
  if (seen.has(obj)) return undefined;
  seen.add(obj);
  const proto = Object.getPrototypeOf(obj) as object | null;
  if (proto !== null && UNCLONEABLE_PROTOS.includes(proto)) return `${path} (${proto.constructor.name})`;
  if (Array.isArray(obj)) {
    for (let i = 0; i < obj.length; i++) {
      const bad = findUncloneable(obj[i], `${path}[${i}]`, seen);
      if (bad) return bad;
    }
    return undefined;
  }
  if (obj instanceof Map) {
    for (const [k, v] of obj) {
      const bad = findUncloneable(k, `${path}<key>`, seen) ?? findUncloneable(v, `${path}.get(${String(k)})`, seen);
      if (bad) return bad;
    }
    return undefined;
  }
  if (obj instanceof Set) {
    for (const v of obj) {
      const bad = findUncloneable(v, `${path}<item>`, seen);
      if (bad) return bad;
    }
    return undefined;
  }
  if (ArrayBuffer.isView(obj) || obj instanceof Date || obj instanceof RegExp || obj instanceof ArrayBuffer) return undefined;
  for (const k of Object.keys(obj)) {
    const bad = findUncloneable((obj as Record<string, unknown>)[k], `${path}.${k}`, seen);
    if (bad) return bad;
  }
  return undefined;
}
