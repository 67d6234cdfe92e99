/**
 * `- shell: "cmd"` or `- shell: {command, cwd?, env?, timeout?, fail_on_error?}` (SPEC §3).
 * Appends the exit code to pipe-data list `status`, stdout to string `output`, stderr to string
 * `output_error`. A timed-out command records status 124 (GNU `timeout`'s code). `timeout` and
 * `fail_on_error` may also sit beside `shell:` on the item; the object form wins.
 */
import path from 'node:path';
import type { KeyPath } from '../../config/types.js';
import { invalidBlock, runtimeFailure, withLocation } from '../located-error.js';
import { isPlainObject } from '../pipe-path.js';
import type { PipeData } from '../types.js';
import { booleanOption, secondsOption, stringOption } from './item-options.js';
import type { RunListState } from './run-list-state.js';

export const TIMED_OUT_STATUS = 124;

export async function runShellItem(item: Readonly<Record<string, unknown>>, itemPath: KeyPath, state: RunListState): Promise<void> {
  const { ctx } = state;
  const { block } = ctx;
  const shellPath = [...itemPath, 'shell'];
  const spec = typeof item.shell === 'string' ? { command: item.shell } : item.shell;
  if (!isPlainObject(spec)) throw invalidBlock(block, shellPath, `shell takes a command string or {command, cwd?, env?, timeout?, fail_on_error?}, got ${JSON.stringify(item.shell)}`);

  const command = stringOption(spec.command, block, [...shellPath, 'command'], 'shell command');
  const cwd = spec.cwd === undefined ? state.cwd : path.resolve(state.cwd, stringOption(spec.cwd, block, [...shellPath, 'cwd'], 'shell cwd'));
  const timeoutMs =
    spec.timeout !== undefined ? secondsOption(spec.timeout, block, [...shellPath, 'timeout']) : secondsOption(item.timeout, block, [...itemPath, 'timeout']);
  const failOnError =
    spec.fail_on_error !== undefined
      ? booleanOption(spec.fail_on_error, block, [...shellPath, 'fail_on_error'])
      : booleanOption(item.fail_on_error, block, [...itemPath, 'fail_on_error']);

  let outcome;
  try {
    outcome = await ctx.services.shell.run({ command, cwd, env: envOption(spec.env, state, [...shellPath, 'env']), timeoutMs, signal: ctx.signal }, ctx.logger);
  } catch (e) {
    throw withLocation(e, block, itemPath);
  }
  const status = outcome.timedOut ? TIMED_OUT_STATUS : outcome.exitCode;
  appendShellOutput(state.pipeData, status, outcome.stdout, outcome.stderr);

  if (outcome.timedOut) {
    const msg = `shell command timed out after ${(timeoutMs ?? 0) / 1000}s: ${command}`;
    if (failOnError) throw runtimeFailure(block, itemPath, 'PB_ERR_SHELL_TIMEOUT', msg);
    ctx.logger.warn(msg, { keyPath: itemPath.join('.') });
  } else if (status !== 0 && failOnError) {
    const tail = outcome.stderr.trim().split('\n').slice(-3).join(' | ');
    throw runtimeFailure(block, itemPath, 'PB_ERR_SHELL_FAILED', `shell command exited with ${status}: ${command}${tail ? ` (stderr: ${tail})` : ''}`);
  }
}

/** Pipe-data bookkeeping of a shell run. A `status` that is not a list starts a new list. */
export function appendShellOutput(pipeData: PipeData, status: number, stdout: string, stderr: string): void {
  const list = Array.isArray(pipeData.status) ? pipeData.status : (pipeData.status = []);
  (list as unknown[]).push(status);
  pipeData.output = textOf(pipeData.output) + stdout;
  pipeData.output_error = textOf(pipeData.output_error) + stderr;
}

function textOf(v: unknown): string {
  return v === undefined || v === null ? '' : typeof v === 'string' ? v : String(v);
}

/** The engine's env (what scripts see as ctx.env) with the item's `env` over it. */
function envOption(value: unknown, state: RunListState, p: KeyPath): Record<string, string> {
  const base = state.ctx.services.env;
  if (value === undefined || value === null) return { ...base };
  if (!isPlainObject(value)) throw invalidBlock(state.ctx.block, p, `shell env takes a mapping of NAME: value, got ${JSON.stringify(value)}`);
  const env: Record<string, string> = { ...base };
  for (const [k, v] of Object.entries(value)) env[k] = v === null || v === undefined ? '' : typeof v === 'string' ? v : String(v);
  return env;
}
