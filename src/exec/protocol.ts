/**
 * Messages between the script runner (main thread) and its workers. Tasks and results travel
 * through piscina; abort requests and log records travel on a per-worker BroadcastChannel that
 * the unidist remote protocol shares (our messages carry the `pb` tag, theirs their own).
 */
import type { ErrorCode } from '../core/errors.js';
import type { KeptValue } from './kept-value.js';
import type { TsHooksData } from './ts-hooks.js';
import type { ScriptCall, ScriptOutcome } from './types.js';

/** Passed to every worker as piscina `workerData`. */
export interface WorkerInit {
  readonly runnerId: string;
  readonly tsHooks: TsHooksData;
}

/** Name of the channel between the runner and one worker thread. */
export function workerChannelName(runnerId: string, threadId: number): string {
  return `procblock:${runnerId}:${threadId}`;
}

/** One script call as the worker receives it (structured-cloned): the call's data, no signal or timeout. */
export type TaskPayload = Pick<ScriptCall, 'script' | 'pipeData' | 'requestState' | 'inputData' | 'tag' | 'cwd'> & {
  readonly callId: number;
  /** The script's reload generation (script-loader.ts): 0 until `reloadScripts` names it. */
  readonly scriptGen: number;
  /** The call's `block` and `blockParent`, sent once per worker when they can be kept (kept-value.ts). */
  readonly block: KeptValue;
  readonly blockParent: KeptValue;
  /** The call's `env`, kept the same way (the runtime's environment is frozen: sent once per worker). */
  readonly env: KeptValue;
  /** Set by the runner: the worker forgets every value it keeps before this call's. */
  keptReset: boolean;
  /** Set by the runner when the call's signal aborted before the task reached a worker. */
  aborted: boolean;
};

/** Why a call failed inside the worker, as plain data (errors do not clone faithfully). */
export interface TaskFailure {
  /**
   * PB_ERR_SCRIPT_NOT_FOUND, _SYNTAX, _NO_EXPORT or _THROW; or the procblock code a script's
   * thrown error carried in its `code` property (worker.ts `thrownCode`).
   */
  readonly code: ErrorCode;
  readonly message: string;
  /** The original error, as far as it could be described. */
  readonly errorName: string;
  readonly errorMessage: string;
  readonly stack: string | undefined;
  /** Where the problem is (syntax errors, missing modules). */
  readonly file?: string | undefined;
  readonly line?: number | undefined;
  readonly col?: number | undefined;
}

export type TaskResult =
  | { readonly ok: true; readonly outcome: ScriptOutcome }
  | { readonly ok: false; readonly failure: TaskFailure };

/** Runner → worker: abort ctx.signal of one call. */
export interface AbortMessage {
  readonly pb: 'abort';
  readonly callId: number;
  readonly reason: string;
}

/** Worker → runner: one ctx.log / console record. */
export interface LogMessage {
  readonly pb: 'log';
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly fields?: Record<string, unknown> | undefined;
  /** Base name of the script that logged, or undefined outside a call. */
  readonly script: string | undefined;
}

/**
 * Runner → worker: answer with a `pong` (its event loop is free); worker → runner: that answer.
 * A worker whose call timed out while it runs other calls is asked (script-runner.ts).
 */
export interface PingMessage {
  readonly pb: 'ping' | 'pong';
  readonly seq: number;
}

export type ChannelMessage = AbortMessage | LogMessage | PingMessage;

export function isChannelMessage(data: unknown): data is ChannelMessage {
  return typeof data === 'object' && data !== null && typeof (data as { pb?: unknown }).pb === 'string';
}
