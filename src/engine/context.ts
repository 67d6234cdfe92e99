/**
 * What every level, tag and run item of one processing shares. Pipe data is not here:
 * run lists receive it explicitly because `run simultaneous` gives each list its own copy.
 */
import type { LoadedBlock } from '../config/types.js';
import type { Logger } from '../core/logger.js';
import type { EngineServices, PipeData, ResponseFields, RunAbort } from './types.js';

export interface EngineContext {
  readonly block: LoadedBlock;
  readonly services: EngineServices;
  readonly logger: Logger;
  /** The pipeline's pipe data (tags and conditions read and write it). */
  readonly pipeData: PipeData;
  readonly inputData: Readonly<Record<string, unknown>>;
  readonly requestState: Readonly<Record<string, unknown>>;
  /**
   * The run's signal when it has no `abort`; undefined when it has one. Read it with `runSignal`
   * (which makes the abort's signal on first use); checks that only ask "aborted?" use
   * `runAborted`. A plain property, not a getter: an object literal with a getter gets a hidden
   * class of its own on every run, which made every property read of the context megamorphic and
   * promoted ~0.3 MB per scavenge under load (see process-block.ts).
   */
  readonly signal: AbortSignal | undefined;
  /** The run's abort when it came with one (`ProcessOptions.abort`); `signal` is then its signal. */
  readonly abort: RunAbort | undefined;
  /** Absolute working directory where run lists start. */
  readonly cwd: string;
  /** `requestState.response` of a web request (updated in place by scripts), else undefined. */
  readonly response: ResponseFields | undefined;
  /** Fill templates HTML-escaped (web pages). */
  readonly htmlTemplates: boolean;
  /** Script timeout (ms) for items without `timeout:`; undefined = the runner's default. */
  readonly scriptTimeoutMs: number | undefined;
}

/** The signal that aborts the run: its own, or its abort's (made here on first use). */
export function runSignal(ctx: EngineContext): AbortSignal | undefined {
  return ctx.abort ? ctx.abort.signal : ctx.signal;
}

/** Whether the run was aborted, without making its AbortSignal. */
export function runAborted(ctx: EngineContext): boolean {
  return ctx.abort ? ctx.abort.aborted : ctx.signal?.aborted === true;
}
