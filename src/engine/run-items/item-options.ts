/**
 * Reading run-item options written in the block (seconds → ms, booleans), with located errors.
 * Each takes the option's value, the key path of the item it sits in and its key: the option's
 * own key path is built only for an error (these run on every processing of an item).
 */
import type { KeyPath, LoadedBlock } from '../../config/types.js';
import { DURATION_EXAMPLES, secondsOrDurationMs } from '../../core/duration.js';
import { invalidBlock } from '../located-error.js';

/** A positive number of seconds, or a duration (`30s`, `500ms`), as milliseconds; undefined when absent. */
export function secondsOption(value: unknown, block: LoadedBlock, parent: KeyPath, key: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = secondsOrDurationMs(value);
  if (ms === undefined || ms <= 0) {
    throw invalidBlock(block, [...parent, key], `expected a positive number of seconds or a duration such as ${DURATION_EXAMPLES}, got ${JSON.stringify(value)}`);
  }
  return ms;
}

export function booleanOption(value: unknown, block: LoadedBlock, parent: KeyPath, key: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  throw invalidBlock(block, [...parent, key], `expected true or false, got ${JSON.stringify(value)}`);
}

export function stringOption(value: unknown, block: LoadedBlock, parent: KeyPath, key: string, what: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw invalidBlock(block, [...parent, key], `${what} must be a non-empty string, got ${JSON.stringify(value)}`);
}
