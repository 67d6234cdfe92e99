/**
 * `list del NAME: value` — remove every element deeply equal to value from pipe-data list
 * NAME. A missing list is left missing; a non-list is an error.
 */
import { isDeepStrictEqual } from 'node:util';
import { runtimeFailure } from '../located-error.js';
import { getPath } from '../pipe-path.js';
import type { EngineTag } from '../level-plan.js';
import { NOTHING, type TagCall, type TagOutcome } from '../tag-call.js';

export async function listDelTag(call: TagCall<Extract<EngineTag, { kind: 'list del' }>>): Promise<TagOutcome> {
  const name = call.tag.name;
  const cur = getPath(call.ctx.pipeData, name);
  if (!cur.found || cur.value === undefined || cur.value === null) return NOTHING;
  if (!Array.isArray(cur.value)) {
    throw runtimeFailure(call.ctx.block, call.path, 'PB_ERR_RUNTIME', `pipe data "${name}" holds a ${typeof cur.value}, not a list; cannot delete from it`);
  }
  const list = cur.value as unknown[];
  // Compare against a thawed copy: the written value is frozen, pipe-data elements are not.
  const target = structuredClone(call.value);
  for (let i = list.length - 1; i >= 0; i--) if (isDeepStrictEqual(list[i], target)) list.splice(i, 1);
  return NOTHING;
}
