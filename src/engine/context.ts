/**
 * What every level, tag and run item of one processing shares. Pipe data is not here:
 * run lists receive it explicitly because `run simultaneous` gives each list its own copy.
 */
import type { LoadedBlock } from '../config/types.js';
import type { Logger } from '../core/logger.js';
import type { EngineServices, PipeData, ResponseFields } from './types.js';

export interface EngineContext {
  readonly block: LoadedBlock;
  readonly services: EngineServices;
  readonly logger: Logger;
  /** The pipeline's pipe data (tags and conditions read and write it). */
  readonly pipeData: PipeData;
  readonly inputData: Readonly<Record<string, unknown>>;
  readonly requestState: Readonly<Record<string, unknown>>;
  readonly signal: AbortSignal | undefined;
  /** Absolute working directory where run lists start. */
  readonly cwd: string;
  /** `requestState.response` of a web request (updated in place by scripts), else undefined. */
  readonly response: ResponseFields | undefined;
  /** Fill templates HTML-escaped (web pages). */
  readonly htmlTemplates: boolean;
  /** Script timeout (ms) for items without `timeout:`; undefined = the runner's default. */
  readonly scriptTimeoutMs: number | undefined;
}
