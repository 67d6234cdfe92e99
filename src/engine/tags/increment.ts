/**
 * `increment NAME` / `decrement NAME` — add/subtract the value (default 1 when empty) in pipe
 * data NAME (dot path; missing = 0). A numeric string already there (CLI values are strings)
 * counts as its number.
 */
import { invalidBlock, runtimeFailure } from '../located-error.js';
import { getPath } from '../pipe-path.js';
import type { EngineTag } from '../level-plan.js';
import { NOTHING, type TagCall, type TagOutcome } from '../tag-call.js';
import { assignPipePath } from './set.js';

export async function incrementTag(call: TagCall<Extract<EngineTag, { kind: 'increment' | 'decrement' }>>): Promise<TagOutcome> {
  const { pipeData, block } = call.ctx;
  const name = call.tag.name;
  const by = toNumber(call.value ?? 1);
  if (by === undefined) {
    throw invalidBlock(block, call.path, `"${call.key}" takes a number (default 1), got ${JSON.stringify(call.value)}`);
  }
  const cur = getPath(pipeData, name);
  const base = !cur.found || cur.value === undefined || cur.value === null ? 0 : toNumber(cur.value);
  if (base === undefined) {
    throw runtimeFailure(block, call.path, 'PB_ERR_RUNTIME', `pipe data "${name}" holds ${JSON.stringify(cur.value)}, not a number`);
  }
  assignPipePath(pipeData, name, call.tag.kind === 'increment' ? base + by : base - by, block, call.path);
  return NOTHING;
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}
