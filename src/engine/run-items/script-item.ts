/**
 * `- script: path` (SPEC §3.1): call the module's `processBlock` in a worker with a copy of
 * pipe data, then merge its outcome into pipe data. The path resolves against the folder of
 * the YAML file that holds the item; `timeout:` (seconds) bounds the call.
 */
import path from 'node:path';
import type { KeyPath, LoadedBlock } from '../../config/types.js';
import { deepEqual } from '../../exec/pipe-data-diff.js';
import type { ScriptCall } from '../../exec/types.js';
import { withLocation } from '../located-error.js';
import { mergeOutcome } from './merge-outcome.js';
import { secondsOption, stringOption } from './item-options.js';
import type { RunListState } from './run-list-state.js';

export async function runScriptItem(item: Readonly<Record<string, unknown>>, itemPath: KeyPath, state: RunListState): Promise<void> {
  const call = scriptCall(item, itemPath, state, state.pipeData);
  const { ctx } = state;
  let outcome;
  try {
    outcome = await ctx.services.scripts.run(call);
  } catch (e) {
    throw withLocation(e, ctx.block, itemPath);
  }
  warnNonObject(outcome.returnedNonObject, item.script, itemPath, state);
  mergeOutcome(state.pipeData, outcome);
  // The script's copy of requestState.response comes back on every web call; most leave it as
  // it was, and rewriting the object in place is what costs (it turns it into a dictionary).
  if (outcome.response && ctx.response && !deepEqual(outcome.response, ctx.response)) replaceContents(ctx.response, outcome.response);
}

function replaceContents(target: Record<string, unknown>, source: Readonly<Record<string, unknown>>): void {
  for (const k of Object.keys(target)) delete target[k];
  Object.assign(target, source);
}

/**
 * The ScriptCall for a script item, reading `pipeData` (a snapshot is taken). It aborts with the
 * run: through the run's own abort when it has one (no AbortSignal made), else its signal.
 */
export function scriptCall(item: Readonly<Record<string, unknown>>, itemPath: KeyPath, state: RunListState, pipeData: Record<string, unknown>): ScriptCall {
  const { ctx } = state;
  const abort = ctx.abort;
  const written = stringOption(item.script, ctx.block, itemPath, 'script', 'script');
  return {
    script: resolveScriptPath(written, itemPath, state, item),
    pipeData: isEmpty(pipeData) ? {} : structuredClone(pipeData),
    block: state.list,
    requestState: ctx.response ? withResponse(ctx.requestState, ctx.response) : ctx.requestState,
    inputData: ctx.inputData,
    tag: state.tag,
    cwd: state.cwd,
    env: ctx.services.env,
    blockParent: state.blockParent,
    timeoutMs: secondsOption(item.timeout, ctx.block, itemPath, 'timeout') ?? ctx.scriptTimeoutMs,
    signal: abort ? undefined : ctx.signal,
    abort,
  };
}

/** Request state plus `response` (not `{...state, response}`: Node 20 makes spread-then-add objects slow). */
function withResponse(state: Readonly<Record<string, unknown>>, response: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = Object.assign({}, state);
  out.response = response;
  return out;
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

/**
 * Resolved script paths per block, by item path and written path: a loaded block never changes
 * (a reloaded one is a new object), and locating a key path in the YAML source costs more than
 * the rest of a small script call's set-up, on every request or tick. The last one resolved for
 * each item object is kept beside, so a call of the same item builds no key string.
 */
const resolvedPaths = new WeakMap<LoadedBlock, Map<string, string>>();
const lastResolved = new WeakMap<object, { readonly block: LoadedBlock; readonly written: string; readonly resolved: string }>();

export function resolveScriptPath(written: string, itemPath: KeyPath, state: RunListState, item: object): string {
  const { block } = state.ctx;
  const last = lastResolved.get(item);
  // An item object sits in one file, so its path resolves the same wherever it is reached from.
  if (last && last.block === block && last.written === written) return last.resolved;
  const resolved = resolveWithin(block, written, itemPath);
  lastResolved.set(item, { block, written, resolved });
  return resolved;
}

function resolveWithin(block: LoadedBlock, written: string, itemPath: KeyPath): string {
  let paths = resolvedPaths.get(block);
  if (!paths) resolvedPaths.set(block, (paths = new Map()));
  const key = `${itemPath.join('\0')}\0${written}`;
  let resolved = paths.get(key);
  if (resolved === undefined) {
    resolved = path.resolve(path.dirname(block.locate(itemPath).file), written);
    paths.set(key, resolved);
  }
  return resolved;
}

export function warnNonObject(nonObject: boolean, script: unknown, itemPath: KeyPath, state: RunListState): void {
  if (!nonObject) return;
  const loc = state.ctx.block.locate(itemPath);
  state.ctx.logger.warn(`script ${String(script)} returned something other than a plain object; ignored`, {
    file: loc.file,
    line: loc.line,
  });
}
