/**
 * Executing a run list (SPEC §3): items in order — `script` and `shell` (each, with `cache:`,
 * an interval RunThread), `set: {k: v}`, `cd: dir`. The abort signal is checked before each item.
 * A script or shell item's options may hold `%(name)s` placeholders, filled from pipe data as it
 * starts (run-items/item-placeholders.ts; never the script path or the command).
 */
import path from 'node:path';
import type { KeyPath } from '../config/types.js';
import { runAborted, type EngineContext } from './context.js';
import { invalidBlock, runtimeFailure } from './located-error.js';
import { isPlainObject } from './pipe-path.js';
import { cacheInterval, runCachedItem } from './run-items/cached-item.js';
import { fillItemPlaceholders } from './run-items/item-placeholders.js';
import { stringOption } from './run-items/item-options.js';
import type { RunListState } from './run-items/run-list-state.js';
import { runDeriveItem } from './run-items/derive-item.js';
import { runScriptItem } from './run-items/script-item.js';
import { runShellItem } from './run-items/shell-item.js';
import { assignPipePath } from './tags/set.js';
import type { PipeData } from './types.js';

const ITEM_KINDS = ['script', 'shell', 'set', 'cd'] as const;

export interface RunListCall {
  readonly ctx: EngineContext;
  /** The list as written. */
  readonly items: unknown;
  readonly path: KeyPath;
  readonly pipeData: PipeData;
  readonly tag: string;
  readonly blockParent: unknown;
}

export async function executeRunList(call: RunListCall): Promise<void> {
  const { ctx } = call;
  if (call.items === null || call.items === undefined) return;
  if (!Array.isArray(call.items)) throw invalidBlock(ctx.block, call.path, `a run list takes a list of items (script, shell, set, cd), got ${JSON.stringify(call.items)}`);
  const state: RunListState = {
    ctx,
    pipeData: call.pipeData,
    cwd: ctx.cwd,
    list: call.items,
    blockParent: call.blockParent,
    tag: call.tag,
    path: call.path,
  };
  for (let i = 0; i < call.items.length; i++) {
    const itemPath = [...call.path, i];
    if (runAborted(ctx)) throw runtimeFailure(ctx.block, itemPath, 'PB_ERR_ABORTED', 'run list aborted before this item');
    await runItem(call.items[i] as unknown, itemPath, state);
  }
}

async function runItem(item: unknown, itemPath: KeyPath, state: RunListState): Promise<void> {
  const { block } = state.ctx;
  if (!isPlainObject(item)) throw invalidBlock(block, itemPath, `a run item is a mapping with one of ${ITEM_KINDS.join(', ')}, got ${JSON.stringify(item)}`);
  const kinds = ITEM_KINDS.filter((k) => Object.hasOwn(item, k));
  // A RunThread without a script: only `timeseries derive` (SPEC §9).
  if (kinds.length === 0 && Object.hasOwn(item, 'timeseries derive')) return runDeriveItem(item, itemPath, state);
  if (kinds.length !== 1) {
    throw invalidBlock(
      block,
      itemPath,
      kinds.length === 0
        ? `a run item needs one of ${ITEM_KINDS.join(', ')} (keys here: ${Object.keys(item).join(', ') || 'none'})`
        : `a run item takes exactly one of ${ITEM_KINDS.join(', ')}, found ${kinds.join(' and ')}`,
    );
  }
  switch (kinds[0]) {
    case 'script':
    case 'shell': {
      const filled = fillItemPlaceholders(item, itemPath, state);
      const interval = cacheInterval(filled, itemPath, state);
      if (interval !== undefined) await runCachedItem(kinds[0], filled, itemPath, state, interval);
      else if (kinds[0] === 'script') await runScriptItem(filled, itemPath, state);
      else await runShellItem(filled, itemPath, state);
      return;
    }
    case 'set': {
      const values = item.set;
      if (!isPlainObject(values)) throw invalidBlock(block, [...itemPath, 'set'], `set takes a mapping of name: value, got ${JSON.stringify(values)}`);
      for (const [k, v] of Object.entries(values)) assignPipePath(state.pipeData, k, structuredClone(v), block, [...itemPath, 'set', k]);
      return;
    }
    case 'cd':
      state.cwd = path.resolve(state.cwd, stringOption(item.cd, block, itemPath, 'cd', 'cd'));
      return;
  }
}
