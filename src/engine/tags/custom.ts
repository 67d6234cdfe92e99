/**
 * A custom tag function (`__tags`, SPEC §2.4): a key matching the tag's pattern calls its
 * script's `processBlock` with the key's value (as written) as `block` and a copy of pipe
 * data. Choice: the top-level pipe-data changes the script makes are applied to pipe data, and
 * its returned object is the tag's stored result (not merged into pipe data). A script that
 * returns nothing stores nothing.
 */
import { runSignal } from '../context.js';
import { withLocation } from '../located-error.js';
import { mergeOutcome } from '../run-items/merge-outcome.js';
import type { EngineTag } from '../level-plan.js';
import { NOTHING, type TagCall, type TagOutcome } from '../tag-call.js';

export async function customTag(call: TagCall<Extract<EngineTag, { kind: 'custom' }>>): Promise<TagOutcome> {
  const { ctx } = call;
  let outcome;
  try {
    outcome = await ctx.services.scripts.run({
      script: call.tag.spec.script,
      pipeData: structuredClone(ctx.pipeData),
      block: call.value,
      requestState: ctx.requestState,
      inputData: ctx.inputData,
      tag: call.key,
      cwd: ctx.cwd,
      env: ctx.services.env,
      blockParent: call.parent,
      signal: runSignal(ctx),
    });
  } catch (e) {
    throw withLocation(e, ctx.block, call.path);
  }
  if (outcome.returnedNonObject) ctx.logger.warn(`custom tag "${call.key}" (${call.tag.spec.script}) returned something other than a plain object; ignored`);
  mergeOutcome(ctx.pipeData, outcome, { returned: false });
  return outcome.returned === undefined ? NOTHING : { type: 'store', value: outcome.returned };
}
