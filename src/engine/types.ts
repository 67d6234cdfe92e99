/**
 * The engine's public contracts: what processing a block needs (narrow services, never the
 * whole runtime) and what it returns. See docs/engine.md for the semantics decided here.
 */
import type { KeyPath, LoadedBlock } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { CallAbort, ScriptRunner, ShellRunner } from '../exec/types.js';
import type { RunThreadHost } from '../schedule/types.js';
import type { Unidist } from '../unidist/types.js';

export type PipeData = Record<string, unknown>;

export interface EngineServices {
  readonly scripts: ScriptRunner;
  readonly shell: ShellRunner;
  readonly unidist: Unidist;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Starts `cache:` run items as interval RunThreads; without it they run once (warned). */
  readonly runThreads?: RunThreadHost | undefined;
  /**
   * Long-running blocks (SPEC §4): when present, `run simultaneous` starts its lists and hands
   * them here instead of waiting for them (pollers and servers loop until the runtime stops);
   * the runtime drains them on stop.
   */
  readonly background?: ((work: Promise<unknown>, label: string) => void) | undefined;
  /** Environment for scripts (ctx.env) and shell items. */
  readonly env: Readonly<Record<string, string>>;
  /** Starts the `dropstar:` web server (SPEC §7); without it the tag fails with a message. */
  readonly web?: WebHost | undefined;
}

/** What the `dropstar:` tag asks of the runtime's web side (implemented in src/web). */
export interface WebHost {
  /** Validate the settings, start serving the block's pages, and resolve once listening. */
  start(request: WebStartRequest): Promise<{ readonly url: string }>;
}

export interface WebStartRequest {
  readonly block: LoadedBlock;
  /** Key path of the `dropstar` key (pages and RPC entries are processed under it). */
  readonly path: KeyPath;
  /** The tag's value as written (deeply frozen). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Pipe data when the tag runs: settings may use `%(key)s` placeholders (`port: "%(port)s"`). */
  readonly pipeData: Readonly<Record<string, unknown>>;
}

/**
 * `requestState.response` (SPEC §7): what a script may set for the HTTP response. The engine
 * hands each script the current value and takes back what the script left there.
 */
export type ResponseFields = Record<string, unknown>;

export interface ProcessOptions {
  /**
   * The pipeline's pipe data. When given, this object IS the pipe data: it is mutated in place
   * and returned. When absent, pipe data starts as a deep copy of `inputData`.
   */
  pipeData?: Record<string, unknown> | undefined;
  /**
   * CLI options and args (read-only for scripts). Default `{}`. Copied and deeply frozen, unless
   * it is frozen already (then its owner guarantees it is frozen all the way down, and it is
   * used as is).
   */
  inputData?: Readonly<Record<string, unknown>> | undefined;
  /**
   * Per-request data (web pages). Default `{}`. Copied and deeply frozen, unless it is frozen
   * already (then its owner guarantees it is frozen all the way down, and it is used as is).
   */
  requestState?: Readonly<Record<string, unknown>> | undefined;
  /**
   * Web requests: `requestState.response` as scripts see it. This object is updated in place
   * with what each script leaves in its `requestState.response`.
   */
  response?: ResponseFields | undefined;
  /** Web pages: `template` values are HTML-escaped (SPEC §7). Default false. */
  htmlTemplates?: boolean | undefined;
  /** Timeout of script calls whose item sets none (ms); web requests pass their own timeout. */
  scriptTimeoutMs?: number | undefined;
  /** Stops the run: checked before each run item, forwarded to scripts (ctx.signal), shells and lock waits. */
  signal?: AbortSignal | undefined;
  /**
   * Instead of `signal`: an abort whose AbortSignal is made only when a script, shell or lock
   * wait needs one (web requests: most never do, and Node 20 makes a signal in several µs).
   */
  abort?: RunAbort | undefined;
  /**
   * Working directory that shell items and scripts start in (absolute). Default: the block's
   * `__usage.cwd`, else the folder of the block file. `cd:` items move it per run list only.
   */
  cwd?: string | undefined;
  services: EngineServices;
}

/** A run's abort that makes its AbortSignal on first use (core/lazy-abort.ts); script calls watch it without one. */
export interface RunAbort extends CallAbort {
  /** Whether the run was aborted (read without making the signal). */
  readonly aborted: boolean;
  readonly signal: AbortSignal;
}

export interface ProcessResult {
  /** The processed block (a new object), or the value picked by a top-level `__return_tag`. */
  result: unknown;
  /** The pipe data after processing (the same object as `options.pipeData` when one was given). */
  pipeData: Record<string, unknown>;
}
