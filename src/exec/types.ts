/**
 * Contracts of the exec layer: running block scripts in worker threads and shell commands.
 * The engine depends on these interfaces only.
 */
import type { Logger } from '../core/logger.js';

export type PlainObject = Record<string, unknown>;

/** One call of a block script's `processBlock`. */
export interface ScriptCall {
  /** Absolute path of the script (.ts, .mts, .js, .mjs). */
  readonly script: string;
  /** Pipe data; the worker receives a structured-clone copy. */
  readonly pipeData: PlainObject;
  /**
   * The run list or tag value that called the script. When deeply frozen (as the engine's block
   * data is), each worker is sent it once and keeps it; the script then sees a frozen copy.
   */
  readonly block: unknown;
  readonly requestState: PlainObject;
  readonly inputData: PlainObject;
  /** The tag that led here (`run`, `notify x`, ...). */
  readonly tag: string;
  /** Working directory for the script (ctx.cwd); never changes the process cwd. */
  readonly cwd: string;
  /** Environment for the script (ctx.env). */
  readonly env: Readonly<Record<string, string>>;
  /** The mapping that contains the calling tag (ctx.blockParent). */
  readonly blockParent: unknown;
  /** Milliseconds before the worker is terminated and replaced; undefined = runner default. */
  readonly timeoutMs?: number | undefined;
  /** Aborting forwards to ctx.signal inside the worker (cooperative stop). */
  readonly signal?: AbortSignal | undefined;
  /**
   * Instead of `signal` (or beside it: either aborts the call): an abort the runner listens to
   * without an AbortSignal (a web request's run: core/lazy-abort.ts), saving one per call.
   */
  readonly abort?: CallAbort | undefined;
}

/** An abort that can be watched without an AbortSignal. */
export interface CallAbort {
  readonly aborted: boolean;
  /** The reason given to `abort` (undefined before). */
  readonly reason: unknown;
  /** Call `fn` once when aborted later (not when aborted already); returns the way to stop listening. */
  onAbort(fn: () => void): () => void;
}

/** What a finished script call produced. The engine merges it into pipe data. */
export interface ScriptOutcome {
  /** The returned value when it was a plain object, else undefined. */
  readonly returned: PlainObject | undefined;
  /** True when the script returned something other than a plain object or undefined (warned, ignored). */
  readonly returnedNonObject: boolean;
  /** Top-level keys the script set on its pipeData copy (new or changed values). */
  readonly pipeDataSet: PlainObject;
  /** Top-level keys the script deleted from its pipeData copy. */
  readonly pipeDataDeleted: readonly string[];
  /** Milliseconds spent in the worker. */
  readonly durationMs: number;
  /**
   * Web requests: the script's `requestState.response` after the call (status, headers,
   * cookies it set; SPEC §7). Absent when the call had no `requestState.response`.
   */
  readonly response?: PlainObject | undefined;
}

export interface ScriptRunner {
  /**
   * Run a script. Rejects with a ProcblockError: PB_ERR_SCRIPT_NOT_FOUND, PB_ERR_SCRIPT_SYNTAX,
   * PB_ERR_SCRIPT_NO_EXPORT, PB_ERR_SCRIPT_THROW (stack kept), PB_ERR_SCRIPT_TIMEOUT,
   * PB_ERR_WORKER_EXIT, PB_ERR_CLOSED.
   */
  run(call: ScriptCall): Promise<ScriptOutcome>;
  /**
   * Load these scripts (absolute paths; every script when omitted) afresh, with their local
   * imports, on each worker's next call of them: changed code runs from the next call; calls in
   * flight finish on the code they started with. Without it a worker keeps the code it loaded
   * first (SPEC §3.1); hot reload (SPEC §8) calls this for the scripts that changed.
   */
  reloadScripts(scripts?: readonly string[]): void;
  /** Abort every in-flight call's ctx.signal (cooperative stop), without terminating workers. */
  abortAll(reason?: unknown): void;
  /** Number of calls in flight. */
  readonly inFlight: number;
  /** Wait for in-flight calls up to `deadlineMs`, then terminate workers. Idempotent. */
  close(deadlineMs?: number): Promise<void>;
}

/** A shell item (SPEC §3): string form or object form. */
export interface ShellCall {
  readonly command: string;
  readonly cwd: string;
  /** Extra environment merged over the runtime's environment. */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** Milliseconds before the process group is killed. */
  readonly timeoutMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface ShellOutcome {
  /** Exit code; 128+n when killed by signal n; -1 when it could not start. */
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly durationMs: number;
}

export interface ShellRunner {
  run(call: ShellCall, log?: Logger): Promise<ShellOutcome>;
  /** Kill running children (SIGTERM, then SIGKILL after `deadlineMs`). Idempotent. */
  close(deadlineMs?: number): Promise<void>;
}
