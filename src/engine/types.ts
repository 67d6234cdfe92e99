/**
 * The engine's public contracts: what processing a block needs (narrow services, never the
 * whole runtime) and what it returns. See docs/engine.md for the semantics decided here.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { ScriptRunner, ShellRunner } from '../exec/types.js';
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
}

export interface ProcessOptions {
  /**
   * The pipeline's pipe data. When given, this object IS the pipe data: it is mutated in place
   * and returned. When absent, pipe data starts as a deep copy of `inputData`.
   */
  pipeData?: Record<string, unknown> | undefined;
  /** CLI options and args (read-only for scripts). Default `{}`. */
  inputData?: Record<string, unknown> | undefined;
  /** Per-request data (web pages). Default `{}`. */
  requestState?: Record<string, unknown> | undefined;
  /** Stops the run: checked before each run item, forwarded to scripts (ctx.signal), shells and lock waits. */
  signal?: AbortSignal | undefined;
  /**
   * Working directory that shell items and scripts start in (absolute). Default: the block's
   * `__usage.cwd`, else the folder of the block file. `cd:` items move it per run list only.
   */
  cwd?: string | undefined;
  services: EngineServices;
}

export interface ProcessResult {
  /** The processed block (a new object), or the value picked by a top-level `__return_tag`. */
  result: unknown;
  /** The pipe data after processing (the same object as `options.pipeData` when one was given). */
  pipeData: Record<string, unknown>;
}
