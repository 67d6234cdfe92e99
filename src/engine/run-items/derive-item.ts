/**
 * A run item that is only `timeseries derive` (with `cache`, `thread_id`, and maybe `timeseries
 * collect` and `alert`), SPEC §9: a RunThread without a script. Each tick's result is empty; the
 * runtime computes the derived fields into it (runtime/tick-observers.ts), so they are merged
 * into pipe data, collected, graphed and alerted on like any script's result.
 */
import type { KeyPath } from '../../config/types.js';
import type { ScriptOutcome } from '../../exec/types.js';
import type { RunThreadSpec } from '../../schedule/types.js';
import { invalidBlock } from '../located-error.js';
import { cacheInterval, startThread } from './cached-item.js';
import { procedureRunner } from './procedure.js';
import type { RunListState } from './run-list-state.js';
import { fillItemPlaceholders } from './item-placeholders.js';
import { tickPipeData } from './tick-pipe-data.js';

export async function runDeriveItem(written: Readonly<Record<string, unknown>>, itemPath: KeyPath, state: RunListState): Promise<void> {
  const { ctx } = state;
  const item = fillItemPlaceholders(written, itemPath, state);
  const intervalMs = cacheInterval(item, itemPath, state);
  if (intervalMs === undefined) throw invalidBlock(ctx.block, itemPath, 'timeseries derive computes a series on each tick: add cache: <seconds> to this item');
  const id = item.thread_id;
  if ((typeof id !== 'string' || id === '') && typeof id !== 'number') throw invalidBlock(ctx.block, [...itemPath, 'thread_id'], 'a timeseries derive item needs thread_id: <name>');
  const host = ctx.services.runThreads;
  if (!host) {
    ctx.logger.warn(`no RunThread host: the derived series "${String(id)}" is not computed`, { thread: String(id) });
    return;
  }
  const spec: RunThreadSpec = {
    id: String(id),
    intervalMs,
    script: '(timeseries derive)',
    item,
    // Data paths (sources, collected files, graphs) resolve against the working directory, as for script items.
    baseDir: state.cwd,
    blockFile: ctx.block.file,
    tick: () => Promise.resolve(emptyOutcome()),
    runList: procedureRunner({ ...ctx, cwd: state.cwd }, item, tickPipeData(state.pipeData)),
  };
  await startThread(host, spec, itemPath, state);
}

/** A fresh object per tick: the runtime adds the derived fields to `returned`. */
function emptyOutcome(): ScriptOutcome {
  return { returned: {}, returnedNonObject: false, pipeDataSet: {}, pipeDataDeleted: [], durationMs: 0 };
}
