/**
 * `cache: N` (or `cache: true` + `interval: N`) seconds on a `script:` or `shell:` item
 * (SPEC §3.2): the item becomes an interval RunThread handed to the runtime's RunThreadHost.
 *
 * - The first result is merged into pipe data and a snapshot of the thread's status is stored
 *   under the flat pipe-data key `run_thread.<id>` (as the original printed it), with
 *   `started_at` (epoch seconds when the thread started): its counts are those of that moment.
 * - `thread_id` defaults to a script's base name without extension; a shell RunThread needs one.
 * - Each tick runs the item alone, in the cwd the item saw, on the pipe data described in
 *   tick-pipe-data.ts plus, for a script, `run_thread_tick: {thread_id, time}` (the slot's epoch
 *   seconds); the tick's call is built once, so a tick's cost does not grow with the block (the
 *   run list itself is kept by the workers, see src/exec/kept-value.ts).
 * - A script thread's result is what the script returned and set; a shell thread's result is the
 *   fields `parse:` reads from stdout (nothing without `parse:`) — its runs do not append to
 *   `status`/`output`, which would grow with every tick.
 * - Relative data paths of the item (`timeseries collect` files and graphs) resolve against the
 *   working directory the item saw (the block's folder unless `__usage.cwd` or `cd:` moved it):
 *   an item imported from a library (blocks/) writes beside the importing block.
 * - Without a host the item runs once, as a plain item, with a warning.
 *
 * `singleton: true` or `lock: NAME` makes the thread cluster-safe (SPEC §5): the runtime claims
 * each slot in unidist before running it, under NAME (default: the thread id).
 */
import path from 'node:path';
import type { KeyPath } from '../../config/types.js';
import type { ScriptOutcome } from '../../exec/types.js';
import type { RunThreadHost, RunThreadSpec } from '../../schedule/types.js';
import { invalidBlock, withLocation } from '../located-error.js';
import { mergeOutcome } from './merge-outcome.js';
import { booleanOption, secondsOption, stringOption } from './item-options.js';
import { procedureRunner } from './procedure.js';
import type { RunListState } from './run-list-state.js';
import { runScriptItem, scriptCall, warnNonObject } from './script-item.js';
import { judgeShellRun, readShellItem, runShellItem } from './shell-item.js';
import { noteThreadResult, tickPipeData } from './tick-pipe-data.js';

export type CachedKind = 'script' | 'shell';

/** The RunThread interval in ms when the item asks for one, else undefined. */
export function cacheInterval(item: Readonly<Record<string, unknown>>, itemPath: KeyPath, state: RunListState): number | undefined {
  const { cache } = item;
  if (cache === undefined || cache === null || cache === false || cache === 0) return undefined;
  if (cache === true) {
    if (item.interval === undefined) throw invalidBlock(state.ctx.block, [...itemPath, 'cache'], '`cache: true` needs `interval: <seconds>` on the same item');
    return secondsOption(item.interval, state.ctx.block, itemPath, 'interval');
  }
  return secondsOption(cache, state.ctx.block, itemPath, 'cache');
}

export async function runCachedItem(kind: CachedKind, item: Readonly<Record<string, unknown>>, itemPath: KeyPath, state: RunListState, intervalMs: number): Promise<void> {
  const { ctx } = state;
  const host = ctx.services.runThreads;
  const id = threadId(kind, item, itemPath, state);
  if (!host) {
    ctx.logger.warn(`no RunThread host: running "${id}" once instead of every ${intervalMs / 1000}s`, { thread: id });
    await (kind === 'script' ? runScriptItem(item, itemPath, state) : runShellItem(item, itemPath, state));
    return;
  }
  // Ticks outlive this list: pin the cwd this item saw (a later `cd:` must not move it).
  const tickState: RunListState = { ...state, cwd: state.cwd };
  const pipeData = tickPipeData(state.pipeData);
  const { label, tick, scriptFile } = kind === 'script' ? scriptTick(item, itemPath, tickState, pipeData, id) : shellTick(item, itemPath, tickState, id);
  const spec: RunThreadSpec = {
    id,
    intervalMs,
    script: label,
    // What hot reload compares to decide whether a running thread can be kept (SPEC §8).
    scriptFile,
    input: kind === 'script' ? pipeData : undefined,
    item,
    // Data the item writes (time-series files, graphs) goes to the working directory, not
    // beside the YAML that declares it: an item imported from a library (blocks/) writes into
    // the importing block's folder. Scripts still resolve against their YAML file.
    baseDir: tickState.cwd,
    exclusive: exclusiveOption(item, itemPath, state, id),
    tick,
    blockFile: ctx.block.file,
    // Alert procedures run on the pipe data the ticks start from (SPEC §9).
    runList: procedureRunner({ ...ctx, cwd: tickState.cwd }, item, pipeData),
  };
  await startThread(host, spec, itemPath, state);
}

/**
 * Start a RunThread of this run list (cached items, derived series): its first result is merged
 * into the list's pipe data (and remembered as the thread's, tick-pipe-data.ts), its status is
 * `run_thread.<id>`; a failure to start is located at the item.
 */
export async function startThread(host: RunThreadHost, spec: RunThreadSpec, itemPath: KeyPath, state: RunListState): Promise<void> {
  let started;
  try {
    started = await host.start(spec);
  } catch (e) {
    throw withLocation(e, state.ctx.block, itemPath);
  }
  const first = started.first;
  mergeOutcome(state.pipeData, first);
  noteThreadResult(state.pipeData, [...Object.keys(first.pipeDataSet), ...Object.keys(first.returned ?? {})]);
  state.pipeData[`run_thread.${spec.id}`] = { ...structuredClone(started.status()), started_at: started.startedAtMs / 1000 };
}

function scriptTick(item: Readonly<Record<string, unknown>>, itemPath: KeyPath, state: RunListState, pipeData: Readonly<Record<string, unknown>>, id: string) {
  const call = { ...scriptCall(item, itemPath, state, {}), pipeData };
  const { scripts } = state.ctx.services;
  return {
    label: String(item.script),
    scriptFile: call.script,
    tick: async (signal: AbortSignal, tickTimeMs: number): Promise<ScriptOutcome> => {
      // Each tick's script sees which thread and slot it runs for (epoch seconds).
      // Object.assign, not `{...x, key}`: Node 20 makes spread-then-add objects several µs slow.
      const tickPipe = Object.assign({}, pipeData, { run_thread_tick: { thread_id: id, time: tickTimeMs / 1000 } });
      // Each tick stops with its own signal only (not with the run that started the thread).
      const outcome = await scripts.run(Object.assign({}, call, { pipeData: tickPipe, signal, abort: undefined }));
      warnNonObject(outcome.returnedNonObject, item.script, itemPath, state);
      return outcome;
    },
  };
}

function shellTick(item: Readonly<Record<string, unknown>>, itemPath: KeyPath, state: RunListState, id: string) {
  const shell = readShellItem(item, itemPath, state);
  const { services } = state.ctx;
  const logger = state.ctx.logger.child(`run-thread:${id}`);
  return {
    label: `shell: ${shell.command}`,
    scriptFile: undefined,
    tick: async (signal: AbortSignal): Promise<ScriptOutcome> => {
      const outcome = await services.shell.run(Object.assign({}, shell.call, { signal }), logger);
      const { fields } = judgeShellRun(shell, outcome, state, logger);
      return { returned: fields, returnedNonObject: false, pipeDataSet: {}, pipeDataDeleted: [], durationMs: outcome.durationMs };
    },
  };
}

function exclusiveOption(item: Readonly<Record<string, unknown>>, itemPath: KeyPath, state: RunListState, id: string): { lock: string } | undefined {
  const block = state.ctx.block;
  const singleton = item.singleton === undefined ? undefined : booleanOption(item.singleton, block, itemPath, 'singleton');
  const lock = item.lock === undefined ? undefined : stringOption(item.lock, block, itemPath, 'lock', 'lock');
  if (singleton === false && lock !== undefined) {
    throw invalidBlock(block, [...itemPath, 'lock'], '`lock:` makes a RunThread cluster-safe; it cannot go with `singleton: false` (drop one of them)');
  }
  if (singleton !== true && lock === undefined) return undefined;
  return { lock: lock ?? id };
}

function threadId(kind: CachedKind, item: Readonly<Record<string, unknown>>, itemPath: KeyPath, state: RunListState): string {
  const given = item.thread_id;
  if (typeof given === 'string' && given !== '') return given;
  if (typeof given === 'number') return String(given);
  if (kind === 'shell') {
    throw invalidBlock(state.ctx.block, [...itemPath, 'cache'], 'a shell item with `cache:` needs `thread_id: <name>` (a command has no name to default to)');
  }
  const script = String(item.script);
  return path.basename(script, path.extname(script));
}
