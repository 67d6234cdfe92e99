/**
 * `put tag T in queue Q` (priority 9999, SPEC §2.3): after the rest of the level, post the
 * processed value of sibling key T to unidist queue Q. When the key carries no names
 * (`put tag in queue`), the value is a `{tag, queue}` mapping or a list of them. A sibling
 * that stored no value is PB_ERR_RUNTIME (posting nothing silently would lose a message).
 */
import type { KeyPath } from '../../config/types.js';
import { invalidBlock, runtimeFailure } from '../located-error.js';
import { isPlainObject } from '../pipe-path.js';
import type { EngineTag } from '../level-plan.js';
import { NOTHING, type TagCall, type TagOutcome } from '../tag-call.js';

interface Post {
  readonly tag: string;
  readonly queue: string;
  readonly path: KeyPath;
}

export async function putInQueueTag(call: TagCall<Extract<EngineTag, { kind: 'put tag' }>>): Promise<TagOutcome> {
  const posts = postsOf(call);
  const { block, services } = call.ctx;
  call.scope.defer(async (final) => {
    for (const p of posts) {
      const value = final.get(p.tag);
      if (value === undefined) {
        throw runtimeFailure(block, p.path, 'PB_ERR_RUNTIME', `cannot put tag "${p.tag}" in queue "${p.queue}": no sibling key "${p.tag}" stored a value`);
      }
      await services.unidist.queue.add(p.queue, structuredClone(value));
    }
  });
  return NOTHING;
}

function postsOf(call: TagCall<Extract<EngineTag, { kind: 'put tag' }>>): Post[] {
  const { tag, queue } = call.tag;
  if (tag !== undefined && queue !== undefined) return [{ tag, queue, path: call.path }];
  const v = call.value;
  const list = Array.isArray(v) ? v : [v];
  return list.map((p: unknown, i): Post => {
    const path = Array.isArray(v) ? [...call.path, i] : call.path;
    if (!isPlainObject(p) || typeof p.tag !== 'string' || typeof p.queue !== 'string') {
      throw invalidBlock(call.ctx.block, path, `put tag in queue takes {tag, queue} (or a list of them), got ${JSON.stringify(p)}`);
    }
    return { tag: p.tag, queue: p.queue, path };
  });
}
