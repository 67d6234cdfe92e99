/** Reading run-item options written in the block (seconds → ms, booleans), with located errors. */
import type { KeyPath, LoadedBlock } from '../../config/types.js';
import { invalidBlock } from '../located-error.js';

/** A positive number of seconds as milliseconds; undefined when absent. */
export function secondsOption(value: unknown, block: LoadedBlock, path: KeyPath): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) {
    throw invalidBlock(block, path, `expected a positive number of seconds, got ${JSON.stringify(value)}`);
  }
  return n * 1000;
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
