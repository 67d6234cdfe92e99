/**
 * `require lock: {name, timeout?, ttl?, timeout_exception?, timeout_block?}` (priority 0,
 * SPEC §2.3). Acquires the unidist lock before the rest of the level; the level releases it when
 * it ends, even on error. `timeout`/`ttl` are seconds or durations (`30s`, `500ms`); an absent
 * timeout waits forever.
 * When the wait times out:
 * - `timeout_exception: true` → RuntimeFailure PB_ERR_LOCK_TIMEOUT;
 * - else `timeout_block: {…}` → that mapping is processed IN PLACE OF the rest of the level: the
 *   level's result is the processed `timeout_block` (keys not yet processed are skipped);
 * - else the rest of the level is skipped with a warning and the level's result is `{}`.
 * The value may also be just the lock name (`require lock: db`).
 */
import { runSignal } from '../context.js';
import { DURATION_EXAMPLES, secondsOrDurationMs } from '../../core/duration.js';
import { invalidBlock, runtimeFailure } from '../located-error.js';
import { isPlainObject } from '../pipe-path.js';
import { booleanOption, stringOption } from '../run-items/item-options.js';
import { NOTHING, type TagCall, type TagOutcome } from '../tag-call.js';

export async function requireLockTag(call: TagCall): Promise<TagOutcome> {
  const { block, services, logger } = call.ctx;
  const signal = runSignal(call.ctx);
  const spec = typeof call.value === 'string' ? { name: call.value } : call.value;
  if (!isPlainObject(spec)) throw invalidBlock(block, call.path, `require lock takes {name, timeout?, ttl?, timeout_exception?, timeout_block?}, got ${JSON.stringify(call.value)}`);
  const name = stringOption(spec.name, block, call.path, 'name', 'lock name');
  const timeout = nonNegativeSeconds(spec.timeout, call, 'timeout');
  const ttl = nonNegativeSeconds(spec.ttl, call, 'ttl');
  const handle = await services.unidist.lock.acquire(name, { timeout, ttl, signal });
  if (handle) {
    call.scope.holdLock(handle);
    return NOTHING;
  }
  if (booleanOption(spec.timeout_exception, block, call.path, 'timeout_exception')) {
    throw runtimeFailure(block, call.path, 'PB_ERR_LOCK_TIMEOUT', `lock "${name}" not acquired within ${(timeout ?? 0) / 1000}s`);
  }
  const fallback = spec.timeout_block;
  if (fallback !== undefined && fallback !== null) {
    if (!isPlainObject(fallback)) throw invalidBlock(block, [...call.path, 'timeout_block'], `timeout_block takes a mapping, got ${JSON.stringify(fallback)}`);
    return { type: 'replace-level', value: await call.processLevel(fallback, [...call.path, 'timeout_block']) };
  }
  logger.warn(`lock "${name}" not acquired within ${(timeout ?? 0) / 1000}s; skipping the rest of this level`, { lock: name });
  return { type: 'replace-level', value: {} };
}

function nonNegativeSeconds(v: unknown, call: TagCall, key: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const ms = secondsOrDurationMs(v);
  if (ms === undefined) {
    throw invalidBlock(call.ctx.block, [...call.path, key], `${key} takes a number of seconds >= 0 or a duration such as ${DURATION_EXAMPLES}, got ${JSON.stringify(v)}`);
  }
  return ms;
}
