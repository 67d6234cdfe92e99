/**
 * `- script: path` (SPEC §3.1): call the module's `processBlock` in a worker with a copy of
 * pipe data, then merge its outcome into pipe data. The path resolves against the folder of
 * the YAML file that holds the item; `timeout:` (seconds) bounds the call.
 */
import path from 'node:path';
import type { KeyPath } from '../../config/types.js';
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
  if (outcome.response && ctx.response) replaceContents(ctx.response, outcome.response);
}

function replaceContents(target: Record<string, unknown>, source: Readonly<Record<string, unknown>>): void {
  for (const k of Object.keys(target)) delete target[k];
  Object.assign(target, source);
}

/** The ScriptCall for a script item, reading `pipeData` (a snapshot is taken). */
export function scriptCall(
  item: Readonly<Record<string, unknown>>,
  itemPath: KeyPath,
  state: RunListState,
  pipeData: Record<string, unknown>,
  signal: AbortSignal | undefined = state.ctx.signal,
): ScriptCall {
  const { ctx } = state;
  const written = stringOption(item.script, ctx.block, [...itemPath, 'script'], 'script');
  return {
    script: resolveScriptPath(written, itemPath, state),
    pipeData: structuredClone(pipeData),
    block: state.list,
    requestState: ctx.response ? { ...ctx.requestState, response: ctx.response } : ctx.requestState,
    inputData: ctx.inputData,
    tag: state.tag,
    cwd: state.cwd,
    env: ctx.services.env,
    blockParent: state.blockParent,
    timeoutMs: secondsOption(item.timeout, ctx.block, [...itemPath, 'timeout']) ?? ctx.scriptTimeoutMs,
    signal,
  };
}

export function resolveScriptPath(written: string, itemPath: KeyPath, state: RunListState): string {
  return path.resolve(path.dirname(state.ctx.block.locate(itemPath).file), written);
}

export function warnNonObject(nonObject: boolean, script: unknown, itemPath: KeyPath, state: RunListState): void {
  if (!nonObject) return;
  const loc = state.ctx.block.locate(itemPath);
  state.ctx.logger.warn(`script ${String(script)} returned something other than a plain object; ignored`, {
    file: loc.file,
    line: loc.line,
  });
}
