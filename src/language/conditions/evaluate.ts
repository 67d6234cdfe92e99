/**
 * Evaluate a parsed condition against pipe data (SPEC §2.2). Pure.
 *
 * Choices where the spec is silent:
 * - Scalars of different types compare by their string forms when one side is a string
 *   (`"true" == true`, since CLI values arrive as strings); otherwise by strict equality.
 * - Ordering (`<` ...) is false when either side is a list, a mapping, null or missing.
 * - Only the LEFT side's absence forces false; a missing right side is `undefined`, so
 *   `a in missing` is false and `a not in missing` true.
 * - `is empty`: missing, null, `""`, `[]`, `{}`. Numbers and booleans are never empty.
 */
import { resolvePath } from './path.js';
import type { Condition, Operand } from './types.js';

const NUMERIC_RE = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

export function evaluateCondition(c: Condition, pipeData: unknown): boolean {
  const left = operandValue(c.left, pipeData);
  if (left === undefined || left === null) return c.op === 'is empty';
  if (!('right' in c)) return c.op === 'is empty' ? isEmpty(left) : !isEmpty(left);
  const right = operandValue(c.right, pipeData);
  switch (c.op) {
    case '==':
      return looselyEqual(left, right);
    case '!=':
      return !looselyEqual(left, right);
    case '<':
      return order(left, right, (d) => d < 0);
    case '>':
      return order(left, right, (d) => d > 0);
    case '<=':
      return order(left, right, (d) => d <= 0);
    case '>=':
      return order(left, right, (d) => d >= 0);
    case 'in':
      return contains(right, left);
    case 'not in':
      return !contains(right, left);
    case 'has':
      return contains(left, right);
    case 'hasno':
      return !contains(left, right);
  }
}

function operandValue(o: Operand, pipeData: unknown): unknown {
  return o.kind === 'literal' ? o.value : resolvePath(o.segments, pipeData);
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'string' || Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isNaN(v) ? undefined : v;
  if (typeof v === 'string' && NUMERIC_RE.test(v)) return Number(v);
  return undefined;
}

function isScalar(v: unknown): v is string | number | boolean | bigint {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint';
}

/** `==`: numbers (or numeric strings) numerically, containers deeply, mixed scalars by string form. */
export function looselyEqual(a: unknown, b: unknown): boolean {
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na !== undefined && nb !== undefined) return na === nb;
  if (isScalar(a) && isScalar(b)) {
    return typeof a === typeof b || (typeof a !== 'string' && typeof b !== 'string') ? a === b : String(a) === String(b);
  }
  return deepEqual(a, b);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => looselyEqual(x, b[i]));
  }
  if (isMapping(a) && isMapping(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && looselyEqual(a[k], b[k]));
  }
  return false;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function order(a: unknown, b: unknown, test: (diff: number) => boolean): boolean {
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na !== undefined && nb !== undefined) return test(na - nb);
  if (!isScalar(a) || !isScalar(b)) return false;
  const sa = String(a);
  const sb = String(b);
  return test(sa < sb ? -1 : sa > sb ? 1 : 0);
}

/** Is `needle` an element of list / key of mapping / substring of string `haystack`? */
function contains(haystack: unknown, needle: unknown): boolean {
  if (Array.isArray(haystack)) return haystack.some((x) => looselyEqual(x, needle));
  if (typeof haystack === 'string') return isScalar(needle) && haystack.includes(String(needle));
  if (isMapping(haystack)) {
    return isScalar(needle) && Object.prototype.hasOwnProperty.call(haystack, String(needle));
  }
  return false;
}
