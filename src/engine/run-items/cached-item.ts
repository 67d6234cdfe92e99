/**
 * `- script: x.ts` with `cache: N` (or `cache: true` + `interval: N`) seconds (SPEC §3.2): the
 * item becomes an interval RunThread handed to the runtime's RunThreadHost. The first result is
 * merged into pipe data and the thread's status is stored under the flat pipe-data key
 * `run_thread.<id>` (as the original printed it). `thread_id` defaults to the script's base name
 * without extension. Every tick runs the script on a copy of the pipe data as it was when the
 * thread started, plus `run_thread_tick: {thread_id, time}` (the slot's epoch seconds). Without a
 * host the script runs once, with a warning.
 * Relative data paths of the item (`timeseries collect` files and graphs) resolve against the
 * working directory the item saw (the block's folder unless `__usage.cwd` or `cd:` moved it).
 *
 * `singleton: true` or `lock: NAME` makes the thread cluster-safe (SPEC §5): the runtime claims
 * each slot in unidist before running it, under NAME (default: the thread id).
 */
import path from 'node:path';
import type { KeyPath } from '../../config/types.js';
import type { RunThreadSpec } from '../../schedule/types.js';
import { invalidBlock, withLocation } from '../located-error.js';
import { mergeOutcome } from './merge-outcome.js';
import { booleanOption, secondsOption, stringOption } from './item-options.js';
import type { RunListState } from './run-list-state.js';
import { resolveScriptPath, runScriptItem, scriptCall, warnNonObject } from './script-item.js';

/** The RunThread interval in ms when the item asks for one, else undefined. */
export function cacheInterval(item: Readonly<Record<string, unknown>>, itemPath: KeyPath, state: RunListState): number | undefined {
  const { cache } = item;
  if (cache === undefined || cache === null || cache === false || cache === 0) return undefined;
  if (cache === true) {
    if (item.interval === undefined) throw invalidBlock(state.ctx.block, [...itemPath, 'cache'], '`cache: true` needs `interval: <seconds>` on the same item');
    return secondsOption(item.interval, state.ctx.block, [...itemPath, 'interval']);
  }
  return secondsOption(cache, state.ctx.block, [...itemPath, 'cache']);
}

export async function runCachedItem(item: Readonly<Record<string, unknown>>, itemPath: KeyPath, state: RunListState, intervalMs: number): Promise<void> {
  const { ctx } = state;
  const host = ctx.services.runThreads;
  const script = String(item.script);
  const id = threadId(item, script);
  if (!host) {
    ctx.logger.warn(`no RunThread host: running "${id}" once instead of every ${intervalMs / 1000}s`, { thread: id });
    await runScriptItem(item, itemPath, state);
    return;
  }
  const snapshot = structuredClone(state.pipeData);
  // Ticks outlive this list: pin the cwd this item saw (a later `cd:` must not move it).
  const tickState: RunListState = { ...state, cwd: state.cwd };
  const spec: RunThreadSpec = {
    id,
    intervalMs,
    script,
    scriptFile: resolveScriptPath(script, itemPath, state),
    item,
    // Data the item writes (time-series files, graphs) goes to the working directory, not
    // beside the YAML that declares it: an item imported from a library (blocks/) writes into
    // the importing block's folder. Scripts still resolve against their YAML file.
    baseDir: tickState.cwd,
    exclusive: exclusiveOption(item, itemPath, state, id),
    tick: async (signal, tickTimeMs) => {
      // Each tick's script sees which thread and slot it runs for (epoch seconds).
      const pipe = { ...snapshot, run_thread_tick: { thread_id: id, time: tickTimeMs / 1000 } };
      const outcome = await ctx.services.scripts.run(scriptCall(item, itemPath, tickState, pipe, signal));
      warnNonObject(outcome.returnedNonObject, script, itemPath, tickState);
      return outcome;
    },
  };
  let started;
  try {
    started = await host.start(spec);
  } catch (e) {
    throw withLocation(e, ctx.block, itemPath);
  }
  mergeOutcome(state.pipeData, started.first);
  state.pipeData[`run_thread.${id}`] = structuredClone(started.status());
}

function exclusiveOption(item: Readonly<Record<string, unknown>>, itemPath: KeyPath, state: RunListState, id: string): { lock: string } | undefined {
  const block = state.ctx.block;
  const singleton = item.singleton === undefined ? undefined : booleanOption(item.singleton, block, [...itemPath, 'singleton']);
  const lock = item.lock === undefined ? undefined : stringOption(item.lock, block, [...itemPath, 'lock'], 'lock');
  if (singleton === false && lock !== undefined) {
    throw invalidBlock(block, [...itemPath, 'lock'], '`lock:` makes a RunThread cluster-safe; it cannot go with `singleton: false` (drop one of them)');
  }
  if (singleton !== true && lock === undefined) return undefined;
  return { lock: lock ?? id };
}

function threadId(item: Readonly<Record<string, unknown>>, script: string): string {
  const given = item.thread_id;
  if (typeof given === 'string' && given !== '') return given;
  if (typeof given === 'number') return String(given);
  return path.basename(script, path.extname(script));
}
