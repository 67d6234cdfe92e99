/**
 * `set NAME: value` — pipe data NAME = a copy of value (SPEC §2.3). NAME is a dot path
 * (`set server.port`), intermediate mappings are created. The value is data: a mapping value
 * is copied as written, not processed. Stores nothing in the result.
 */
import { runtimeFailure } from '../located-error.js';
import { setPath } from '../pipe-path.js';
import type { EngineTag } from '../level-plan.js';
import { NOTHING, type TagCall, type TagOutcome } from '../tag-call.js';
import type { PipeData } from '../types.js';
import type { KeyPath, LoadedBlock } from '../../config/types.js';

export async function setTag(call: TagCall<Extract<EngineTag, { kind: 'set' }>>): Promise<TagOutcome> {
  assignPipePath(call.ctx.pipeData, call.tag.name, structuredClone(call.value), call.ctx.block, call.path);
  return NOTHING;
}

/** `setPath` with the block location on failure (shared by `set` and the `set:` run item). */
export function assignPipePath(pipeData: PipeData, name: string, value: unknown, block: LoadedBlock, path: KeyPath): void {
  try {
    setPath(pipeData, name, value);
  } catch (e) {
    throw runtimeFailure(block, path, 'PB_ERR_RUNTIME', `cannot set pipe data "${name}": ${(e as Error).message}`, e);
  }
}
