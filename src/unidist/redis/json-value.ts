/**
 * State values and queue messages are stored in Redis as JSON text (SPEC §5). A value that JSON
 * would silently change (a Date becoming a string, a Map becoming `{}`, `undefined` vanishing
 * from an object, NaN becoming null) is refused with PB_ERR_INVALID_ARGUMENT naming where inside
 * the value the problem is: what was written is what is read back, in every process.
 */
import { InputError } from '../../core/errors.js';

export function toJson(what: string, value: unknown): string {
  check(what, value, '', new Set());
  return JSON.stringify(value);
}

export function fromJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

function check(what: string, v: unknown, at: string, seen: Set<object>): void {
  const fail = (why: string): never => {
    throw new InputError('PB_ERR_INVALID_ARGUMENT', `${what} must be JSON data (the Redis back end stores JSON): ${at === '' ? 'the value' : `at ${at}`} ${why}`);
  };
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
  if (v === undefined) fail('is undefined');
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) fail(`is ${String(v)}, which JSON cannot hold`);
    return;
  }
  if (typeof v !== 'object') fail(`is a ${typeof v}`);
  const o = v as object;
  if (seen.has(o)) fail('refers back to itself');
  seen.add(o);
  if (Array.isArray(o)) {
    for (let i = 0; i < o.length; i++) check(what, o[i], `${at}[${i}]`, seen);
  } else {
    const proto = Object.getPrototypeOf(o) as unknown;
    if (proto !== Object.prototype && proto !== null) fail(`is a ${(o as { constructor?: { name?: string } }).constructor?.name ?? 'non-plain object'}, not a plain object`);
    for (const [k, item] of Object.entries(o)) check(what, item, at === '' ? k : `${at}.${k}`, seen);
  }
  seen.delete(o);
}
