/**
 * Resolve a condition path against pipe data. Pure. A missing step yields `undefined`.
 * Lists take integer keys (negative counts from the end); mappings take own keys only, so
 * `constructor` or `__proto__` never reach into prototypes.
 */
import type { PathSegment } from './types.js';

const INDEX_RE = /^-?\d+$/;

export function resolvePath(segments: readonly PathSegment[], root: unknown): unknown {
  let current: unknown = root;
  for (const seg of segments) {
    if (current === null || current === undefined) return undefined;
    const key = seg.kind === 'key' ? seg.key : keyFromValue(resolvePath(seg.path, root));
    if (key === undefined) return undefined;
    current = step(current, key);
  }
  return current;
}

function keyFromValue(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function step(container: unknown, key: string): unknown {
  if (Array.isArray(container)) {
    if (!INDEX_RE.test(key)) return undefined;
    const n = Number(key);
    const index = n < 0 ? container.length + n : n;
    return index >= 0 && index < container.length ? container[index] : undefined;
  }
  if (typeof container === 'object' && container !== null) {
    return Object.prototype.hasOwnProperty.call(container, key) ? (container as Record<string, unknown>)[key] : undefined;
  }
  return undefined;
}
