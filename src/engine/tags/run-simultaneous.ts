/**
 * `run simultaneous: {name: [items], …}` (SPEC §3.3). Every list starts at once, each on its own
 * deep copy of the pipe data as it was when the tag started (concurrent lists never race on one
 * object; their pipe-data changes are not merged back — share results through unidist). The tag
 * waits until every list has finished. Stored result: name → `{status: 'ok', __start_time,
 * __duration}`. When a list fails, the others still run to their end; then the tag fails with
 * the first failed list's error (in document order), and every failure is logged.
 *
 * In a long-running block (`services.background` present) the tag does not wait: every list is
 * handed to the runtime, which keeps it running after the first result is printed and drains it
 * on stop. Stored result: name → `{status: 'running', __start_time}`; a list that fails later is
 * logged (a failure caused by the stop itself is not).
 */
import { ProcblockError } from '../../core/errors.js';
import { runAborted } from '../context.js';
import { invalidBlock } from '../located-error.js';
import { isPlainObject } from '../pipe-path.js';
import { executeRunList } from '../run-list.js';
import type { TagCall, TagOutcome } from '../tag-call.js';

export interface SimultaneousStatus {
  readonly status: 'ok' | 'running';
  readonly __start_time: number;
  /** Absent while the list is still running. */
  readonly __duration?: number;
}

export async function runSimultaneousTag(call: TagCall): Promise<TagOutcome> {
  const { ctx } = call;
  if (!isPlainObject(call.value)) {
    throw invalidBlock(ctx.block, call.path, `run simultaneous takes a mapping of name: run list, got ${JSON.stringify(call.value)}`);
  }
  const { clock } = ctx.services;
  const names = Object.keys(call.value);
  const lists = call.value;
  const runList = async (name: string): Promise<SimultaneousStatus> => {
    const start = clock.now();
    await executeRunList({
      ctx,
      items: lists[name],
      path: [...call.path, name],
      pipeData: structuredClone(ctx.pipeData),
      tag: call.key,
      blockParent: call.parent,
    });
    return { status: 'ok', __start_time: start / 1000, __duration: (clock.now() - start) / 1000 };
  };

  const background = ctx.services.background;
  if (background) {
    const statuses: Record<string, SimultaneousStatus> = {};
    for (const name of names) {
      const work = runList(name).catch((e: unknown) => {
        if (runAborted(ctx)) return; // stopped with the runtime: not a failure
        const code = e instanceof ProcblockError ? e.code : 'PB_ERR_RUNTIME';
        ctx.logger.error(`run simultaneous list "${name}" failed: ${e instanceof Error ? e.message : String(e)}`, { list: name, code });
      });
      background(work, `run simultaneous list "${name}"`);
      statuses[name] = { status: 'running', __start_time: clock.now() / 1000 };
    }
    return { type: 'store', value: statuses };
  }

  const settled = await Promise.allSettled(names.map(runList));

  const statuses: Record<string, SimultaneousStatus> = {};
  let firstError: unknown;
  settled.forEach((s, i) => {
    const name = names[i] as string;
    if (s.status === 'fulfilled') {
      statuses[name] = s.value;
      return;
    }
    firstError ??= s.reason;
    const code = s.reason instanceof ProcblockError ? s.reason.code : 'PB_ERR_RUNTIME';
    ctx.logger.error(`run simultaneous list "${name}" failed: ${s.reason instanceof Error ? s.reason.message : String(s.reason)}`, { list: name, code });
  });
  if (firstError !== undefined) throw firstError;
  return { type: 'store', value: statuses };
}
