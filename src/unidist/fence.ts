import { InputError, RuntimeFailure } from '../core/errors.js';
import type { Fence, WriteOptions } from './types.js';
import { describe } from './memory/validate.js';

/** The fence of a write's options, checked for shape (a lock handle or `{name, token}`); undefined when none. */
export function fenceOf(options: WriteOptions | undefined): Fence | undefined {
  const fence = options?.fence;
  if (fence === undefined || fence === null) return undefined;
  if (typeof fence !== 'object' || typeof fence.name !== 'string' || fence.name === '' || !Number.isSafeInteger(fence.token) || fence.token < 1) {
    throw new InputError(
      'PB_ERR_INVALID_ARGUMENT',
      `fence must be a lock handle or {name, token} with a non-empty name and a positive integer token, got ${describe(fence)}`,
    );
  }
  return { name: fence.name, token: fence.token };
}

/** Plain `{name, token}` for a wire (a LockHandle also carries a function). */
export function plainWriteOptions(options: WriteOptions | undefined): { fence: Fence } | undefined {
  const fence = options?.fence;
  return fence ? { fence: { name: fence.name, token: fence.token } } : undefined;
}

export function staleFenceError(fence: Fence, what: string): RuntimeFailure {
  return new RuntimeFailure(
    'PB_ERR_LOCK_STALE',
    `${what} refused: lock ${JSON.stringify(fence.name)} is no longer held with token ${fence.token} (its TTL ran out or another holder has it)`,
  );
}
