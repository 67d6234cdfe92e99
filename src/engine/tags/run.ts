/**
 * `run: [items]` (SPEC §2.3, §3): execute the list on the pipeline's pipe data. Stored result:
 * a copy of pipe data after the list plus `__duration` (seconds) and `__start_time` (epoch
 * seconds, fractional). These `__` keys are kept: they are inside the stored value, not keys
 * of the level.
 */
import { executeRunList } from '../run-list.js';
import type { TagCall, TagOutcome } from '../tag-call.js';

export async function runTag(call: TagCall): Promise<TagOutcome> {
  const { clock } = call.ctx.services;
  const start = clock.now();
  await executeRunList({ ctx: call.ctx, items: call.value, path: call.path, pipeData: call.ctx.pipeData, tag: call.key, blockParent: call.parent });
  const end = clock.now();
  // Not `{...copy, __duration}`: Node 20 makes spread-then-add objects several µs slow.
  const value = structuredClone(call.ctx.pipeData);
  value.__duration = (end - start) / 1000;
  value.__start_time = start / 1000;
  return { type: 'store', value };
}
