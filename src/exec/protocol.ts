/**
 * Messages between the script runner (main thread) and its workers. Tasks (batches of calls) and
 * their results travel through piscina; abort requests, log records and the answers of calls
 * that outlive their batch's first turn travel on a per-worker BroadcastChannel that the unidist
 * remote protocol shares (our messages carry the `pb` tag, theirs their own).
 */
import type { ErrorCode } from '../core/errors.js';
import type { KeptValue } from './kept-value.js';
import type { TsHooksData } from './ts-hooks.js';
import type { ScriptCall, ScriptOutcome } from './types.js';
import type { AnswerWire, CallWire } from './wire.js';

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

/**
 * One piscina task: calls of one script that the runner dispatched in the same turn of its event
 * loop, for one worker (script-runner.ts `flush`), in the order they were made; each in its wire
 * form (wire.ts), written once the worker is chosen.
 */
export interface BatchTask {
  readonly calls: readonly CallWire[];
}

/**
 * A batch's result. `answers` (one per call, in order) when every call finished within the
 * worker's first turn on the batch; otherwise undefined, and each call's answer came on the
 * channel as an `AnswerMessage` as soon as it finished (so a slow call never holds back the
 * answers of the quick ones). The task itself ends when the last call of the batch ends.
 */
export interface BatchResult {
  readonly answers: AnswerWire[] | undefined;
}

/**
 * One call's answer. `logSeq`: log records the worker has posted on its channel so far. The
 * channel and piscina's port are not ordered, so the runner waits until it has received that
 * many before closing the channel: a script's last log lines are not lost when the runtime stops
 * right after the call. `keptMissing`: a value the call referred to by key never reached the
 * worker; the script did not start and the runner sends the call again.
 */
export type WorkerAnswer = ({ ok: true; outcome: ScriptOutcome } | { ok: false; failure: TaskFailure }) & { logSeq?: number; keptMissing?: true };

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

/** Worker → runner: the answer of a call that outlived its batch's first turn (see BatchResult). */
export interface AnswerMessage {
  readonly pb: 'answer';
  readonly callId: number;
  readonly answer: AnswerWire;
}

export type ChannelMessage = AbortMessage | LogMessage | PingMessage | AnswerMessage;

export function isChannelMessage(data: unknown): data is ChannelMessage {
  return typeof data === 'object' && data !== null && typeof (data as { pb?: unknown }).pb === 'string';
}
