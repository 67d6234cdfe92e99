/**
 * Reading a collector's parameters from pipe data. They arrive as strings from the command line
 * (`--percent`, `--net_exclude '^lo$'`) or as YAML values from an importing block (`set percent:
 * true`), so both spellings are accepted.
 */
import { CollectorError } from './collector-error.js';

/**
 * On for `true` and `"true"`, off for anything else (missing too): exactly when the collector's
 * YAML condition `if NAME == true` holds, so the script and the run item it picked agree.
 */
export function flagParam(pipeData: Readonly<Record<string, unknown>>, name: string): boolean {
  const v = pipeData[name];
  return v === true || v === 'true';
}

/** A non-empty string parameter, or `fallback` when missing or empty. */
export function stringParam(pipeData: Readonly<Record<string, unknown>>, name: string, fallback: string): string {
  const v = pipeData[name];
  if (v === undefined || v === null) return fallback;
  const s = String(v);
  return s === '' ? fallback : s;
}

/**
 * A regular expression parameter: `fallback` when missing (or null), none when empty ("" turns
 * a default pattern off).
 */
export function patternParam(pipeData: Readonly<Record<string, unknown>>, name: string, fallback?: string): RegExp | undefined {
  const given = pipeData[name];
  const v = given === undefined || given === null ? fallback : given;
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') {
    throw new CollectorError('PB_ERR_VALIDATION', `parameter ${name} must be a regular expression (a string), got ${JSON.stringify(v)}`);
  }
  try {
    return new RegExp(v);
  } catch (e) {
    throw new CollectorError('PB_ERR_VALIDATION', `parameter ${name} is not a valid regular expression: ${JSON.stringify(v)} (${(e as Error).message})`, { cause: e });
  }
}
