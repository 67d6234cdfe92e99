import { DURATION_EXAMPLES, parseDurationText } from '../../core/duration.js';
import { InputError } from '../../core/errors.js';

/** Argument checks shared by the memory back end's members; messages name the argument, the rule and the value. */
export function checkName(what: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new InputError('PB_ERR_INVALID_ARGUMENT', `${what} must be a non-empty string, got ${describe(value)}`);
  }
  return value;
}

export function checkFinite(what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InputError('PB_ERR_INVALID_ARGUMENT', `${what} must be a finite number, got ${describe(value)}`);
  }
  return value;
}

/**
 * undefined passes; otherwise milliseconds >= 0: a number (ms, the JavaScript API's unit) or a
 * duration string with units (`'30s'`, `'500ms'`, `'2m'`, see core/duration.ts), so a script
 * author used to the YAML's seconds can say what they mean. A bare numeric string is refused:
 * seconds or milliseconds would be a guess.
 */
export function checkMs(what: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    const ms = parseDurationText(value);
    if (ms !== undefined) return ms;
  } else if (typeof value === 'number' && value >= 0 && value !== Infinity) {
    return value;
  }
  throw new InputError(
    'PB_ERR_INVALID_ARGUMENT',
    `${what} must be milliseconds >= 0 (a number) or a duration with units such as ${DURATION_EXAMPLES}, got ${describe(value)}`,
  );
}

/** undefined passes; otherwise an integer >= 1. */
export function checkMaxLength(what: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InputError('PB_ERR_INVALID_ARGUMENT', `${what} must be an integer >= 1, got ${describe(value)}`);
  }
  return value;
}

/** A private copy of a caller's value, so later mutation on either side cannot leak through. */
export function cloneValue<T>(what: string, value: T): T {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function' || typeof value === 'symbol') {
      throw new InputError('PB_ERR_INVALID_ARGUMENT', `${what} must be structured-cloneable data, got a ${typeof value}`);
    }
    return value;
  }
  try {
    return structuredClone(value);
  } catch (e) {
    throw new InputError('PB_ERR_INVALID_ARGUMENT', `${what} must be structured-cloneable data: ${(e as Error).message}`, { cause: e });
  }
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return `${String(value)} (${typeof value})`;
}
