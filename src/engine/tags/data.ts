/**
 * A key that is no tag function (SPEC §2.1): a mapping value is processed as a level of its own
 * and stored; scalars and lists are copied as data (list items are not processed). `__` keys go
 * through here too — the level drops them from the result after processing.
 */
import { isPlainObject } from '../pipe-path.js';
import type { TagCall, TagOutcome } from '../tag-call.js';

export async function dataTag(call: TagCall): Promise<TagOutcome> {
  if (isPlainObject(call.value)) return { type: 'store', value: await call.processLevel(call.value, call.path) };
  const v = call.value;
  // Primitives are immutable: only lists (and other objects) need a copy.
  return { type: 'store', value: typeof v === 'object' && v !== null ? structuredClone(v) : v };
}
