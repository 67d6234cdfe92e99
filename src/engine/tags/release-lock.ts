/**
 * `release lock: {name}` (or `release lock: name`), priority 9999: release early a lock taken
 * by `require lock` in this level or an enclosing one. A lock this processing does not hold is
 * PB_ERR_LOCK_NOT_HELD; one whose TTL already freed it is released with a warning.
 */
import { invalidBlock, runtimeFailure } from '../located-error.js';
import { isPlainObject } from '../pipe-path.js';
import { stringOption } from '../run-items/item-options.js';
import { NOTHING, type TagCall, type TagOutcome } from '../tag-call.js';

export async function releaseLockTag(call: TagCall): Promise<TagOutcome> {
  const { block, logger } = call.ctx;
  const spec = typeof call.value === 'string' ? { name: call.value } : call.value;
  if (!isPlainObject(spec)) throw invalidBlock(block, call.path, `release lock takes {name}, got ${JSON.stringify(call.value)}`);
  const name = stringOption(spec.name, block, call.path, 'name', 'lock name');
  const handle = call.scope.takeLock(name);
  if (!handle) throw runtimeFailure(block, call.path, 'PB_ERR_LOCK_NOT_HELD', `lock "${name}" is not held here (no "require lock" for it in this level or an enclosing one)`);
  if (!(await handle.release())) logger.warn(`lock "${name}" was no longer held (TTL expired?)`, { lock: name });
  return NOTHING;
}
