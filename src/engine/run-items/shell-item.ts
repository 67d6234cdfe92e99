/**
 * `- shell: "cmd"` or `- shell: {command, cwd?, env?, timeout?, fail_on_error?}` (SPEC §3).
 * Appends the exit code to pipe-data list `status`, stdout to string `output`, stderr to string
 * `output_error`. A timed-out command records status 124 (GNU `timeout`'s code). `timeout` and
 * `fail_on_error` may also sit beside `shell:` on the item; the object form wins. `parse: json`
 * or `parse: kv` beside `shell:` also merges the fields parsed from stdout (shell-parse.ts).
 * With `cache:` the item is a RunThread instead (cached-item.ts).
 */
import { runSignal } from '../context.js';
import path from 'node:path';
import type { KeyPath } from '../../config/types.js';
import type { ShellCall, ShellOutcome } from '../../exec/types.js';
import type { Logger } from '../../core/logger.js';
import { invalidBlock, runtimeFailure, withLocation } from '../located-error.js';
import { isPlainObject } from '../pipe-path.js';
import type { PipeData } from '../types.js';
import { booleanOption, secondsOption, stringOption } from './item-options.js';
import type { RunListState } from './run-list-state.js';
import { parseShellOutput, SHELL_PARSE_MODES, ShellParseError, type ShellParseMode } from './shell-parse.js';

export const TIMED_OUT_STATUS = 124;

/** A shell item read once: what to run and how to judge its result. */
export interface ShellItem {
  readonly command: string;
  /** The call without a signal (the caller adds the run's or the tick's). */
  readonly call: Omit<ShellCall, 'signal'>;
  readonly failOnError: boolean;
  readonly parse: ShellParseMode | undefined;
  readonly itemPath: KeyPath;
}

/** One run judged: its status (124 when timed out) and the parsed fields (with `parse:`, unless it timed out). */
export interface ShellResult {
  readonly status: number;
  readonly fields: Record<string, unknown> | undefined;
}

export function readShellItem(item: Readonly<Record<string, unknown>>, itemPath: KeyPath, state: RunListState): ShellItem {
  const { block } = state.ctx;
  const shellPath = [...itemPath, 'shell'];
  const spec = typeof item.shell === 'string' ? { command: item.shell } : item.shell;
  if (!isPlainObject(spec)) throw invalidBlock(block, shellPath, `shell takes a command string or {command, cwd?, env?, timeout?, fail_on_error?}, got ${JSON.stringify(item.shell)}`);

  const command = stringOption(spec.command, block, shellPath, 'command', 'shell command');
  const cwd = spec.cwd === undefined ? state.cwd : path.resolve(state.cwd, stringOption(spec.cwd, block, shellPath, 'cwd', 'shell cwd'));
  const timeoutMs =
    spec.timeout !== undefined ? secondsOption(spec.timeout, block, shellPath, 'timeout') : secondsOption(item.timeout, block, itemPath, 'timeout');
  const failOnError =
    spec.fail_on_error !== undefined
      ? booleanOption(spec.fail_on_error, block, shellPath, 'fail_on_error')
      : booleanOption(item.fail_on_error, block, itemPath, 'fail_on_error');
  const parse = item.parse;
  if (parse !== undefined && !SHELL_PARSE_MODES.includes(parse as ShellParseMode)) {
    throw invalidBlock(block, [...itemPath, 'parse'], `parse takes ${SHELL_PARSE_MODES.join(' or ')}, got ${JSON.stringify(parse)}`);
  }
  return {
    command,
    call: { command, cwd, env: envOption(spec.env, state, [...shellPath, 'env']), timeoutMs },
    failOnError,
    parse: parse as ShellParseMode | undefined,
    itemPath,
  };
}

export async function runShellItem(item: Readonly<Record<string, unknown>>, itemPath: KeyPath, state: RunListState): Promise<void> {
  const { ctx } = state;
  const shell = readShellItem(item, itemPath, state);
  let outcome;
  try {
    outcome = await ctx.services.shell.run(Object.assign({}, shell.call, { signal: runSignal(ctx) }), ctx.logger);
  } catch (e) {
    throw withLocation(e, ctx.block, itemPath);
  }
  const status = outcome.timedOut ? TIMED_OUT_STATUS : outcome.exitCode;
  appendShellOutput(state.pipeData, status, outcome.stdout, outcome.stderr);
  const { fields } = judgeShellRun(shell, outcome, state);
  if (fields) Object.assign(state.pipeData, fields);
}

/**
 * A finished run against the item's rules: a timeout is logged (or, with `fail_on_error`,
 * `PB_ERR_SHELL_TIMEOUT`), a nonzero exit with `fail_on_error` is `PB_ERR_SHELL_FAILED`, and
 * output `parse:` cannot read is `PB_ERR_SHELL_PARSE`, all located at the item.
 */
export function judgeShellRun(shell: ShellItem, outcome: ShellOutcome, state: Pick<RunListState, 'ctx'>, logger: Logger = state.ctx.logger): ShellResult {
  const { block } = state.ctx;
  const { command, itemPath } = shell;
  if (outcome.timedOut) {
    const msg = `shell command timed out after ${(shell.call.timeoutMs ?? 0) / 1000}s: ${command}`;
    if (shell.failOnError) throw runtimeFailure(block, itemPath, 'PB_ERR_SHELL_TIMEOUT', msg);
    logger.warn(msg, { keyPath: itemPath.join('.') });
    return { status: TIMED_OUT_STATUS, fields: undefined };
  }
  const status = outcome.exitCode;
  if (status !== 0 && shell.failOnError) {
    throw runtimeFailure(block, itemPath, 'PB_ERR_SHELL_FAILED', `shell command exited with ${status}: ${command}${stderrTail(outcome)}`);
  }
  if (shell.parse === undefined) return { status, fields: undefined };
  try {
    return { status, fields: parseShellOutput(outcome.stdout, shell.parse) };
  } catch (e) {
    if (!(e instanceof ShellParseError)) throw e;
    const exited = status === 0 ? '' : ` (the command exited with ${status}${stderrTail(outcome)})`;
    throw runtimeFailure(block, [...itemPath, 'parse'], 'PB_ERR_SHELL_PARSE', `parse: ${shell.parse}: cannot read the output of \`${command}\`: ${e.message}${exited}`);
  }
}

function stderrTail(outcome: ShellOutcome): string {
  const tail = outcome.stderr.trim().split('\n').slice(-3).join(' | ');
  return tail ? ` (stderr: ${tail})` : '';
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
