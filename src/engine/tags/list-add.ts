/**
 * `list add NAME: value` — append a copy of value to pipe-data list NAME (dot path), creating
 * it when missing. A NAME that holds a non-list is an error (it would silently lose data).
 */
import { runtimeFailure } from '../located-error.js';
import { getPath } from '../pipe-path.js';
import type { EngineTag } from '../level-plan.js';
import { NOTHING, type TagCall, type TagOutcome } from '../tag-call.js';
import { assignPipePath } from './set.js';

export async function listAddTag(call: TagCall<Extract<EngineTag, { kind: 'list add' }>>): Promise<TagOutcome> {
  const { pipeData, block } = call.ctx;
  const name = call.tag.name;
  const cur = getPath(pipeData, name);
  const item = structuredClone(call.value);
  if (!cur.found || cur.value === undefined || cur.value === null) {
    assignPipePath(pipeData, name, [item], block, call.path);
  } else if (Array.isArray(cur.value)) {
    cur.value.push(item);
  } else {
    throw runtimeFailure(block, call.path, 'PB_ERR_RUNTIME', `pipe data "${name}" holds a ${typeof cur.value}, not a list; cannot add to it`);
  }
  return NOTHING;
}
