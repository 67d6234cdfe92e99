/** Reading run-item options written in the block (seconds → ms, booleans), with located errors. */
import type { KeyPath, LoadedBlock } from '../../config/types.js';
import { DURATION_EXAMPLES, secondsOrDurationMs } from '../../core/duration.js';
import { invalidBlock } from '../located-error.js';

/** A positive number of seconds, or a duration (`30s`, `500ms`), as milliseconds; undefined when absent. */
export function secondsOption(value: unknown, block: LoadedBlock, path: KeyPath): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = secondsOrDurationMs(value);
  if (ms === undefined || ms <= 0) {
    throw invalidBlock(block, path, `expected a positive number of seconds or a duration such as ${DURATION_EXAMPLES}, got ${JSON.stringify(value)}`);
  }
  return ms;
}

export function booleanOption(value: unknown, block: LoadedBlock, path: KeyPath): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  throw invalidBlock(block, path, `expected true or false, got ${JSON.stringify(value)}`);
}

export function stringOption(value: unknown, block: LoadedBlock, path: KeyPath, what: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw invalidBlock(block, path, `${what} must be a non-empty string, got ${JSON.stringify(value)}`);
}
