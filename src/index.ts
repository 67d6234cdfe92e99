/**
 * procblock as a library.
 *
 * ```ts
 * import { runBlockFile, createUnidist } from 'procblock';
 * const { result } = await runBlockFile('monitor.yaml', { inputData: { args: [] } });
 * ```
 */
import { checkBlock } from './config/index.js';
import type { LoadedBlock } from './config/types.js';
import { blockFromObject, type InMemoryBlockOptions } from './engine/in-memory-block.js';
import type { ProcessResult } from './engine/types.js';
import { Runtime, type RunInput, type RuntimeOptions } from './runtime/runtime.js';

export type { ProcessBlock, ScriptContext, ScriptLog, WebRequestState, WebResponseFields, CookieSpec } from './script-api.js';
export type { Unidist, Duration, Locks, LockHandle, LockInfo, LockAcquireOptions, Counters, StateBuckets, Queues, QueueOptions, UnidistLog, Fence, WriteOptions, UnidistChange, UnidistChangeFeed, UnidistChangeListener } from './unidist/types.js';
export { createUnidist, type CreateUnidistOptions } from './unidist/index.js';
export { Runtime, type RuntimeOptions, type RunInput } from './runtime/runtime.js';
export type { ProcessResult } from './engine/types.js';
export type { LoadedBlock, UsageSpec } from './config/types.js';
export { loadBlock, checkBlock } from './config/index.js';
export { ProcblockError, InputError, RuntimeFailure, ERROR_CODES, type ErrorCode, type SourceLocation, type Problem } from './core/errors.js';
export { createLogger, type Logger, type LogRecord, type LogLevel } from './core/logger.js';
export { systemClock, type Clock } from './core/clock.js';
export { RrdFile, exportXml, importXml, defaultArchives, lockRrdFile } from './timeseries/rrd/index.js';
export type { RrdLock, RrdDefinition, RrdSample, FetchResult, DsDef, RraDef, DsType, ConsolidationFn } from './timeseries/rrd/index.js';
export { lazyDropstar } from './web/lazy-host.js';
export { hashPassword } from './web/auth.js';
export type { WebHostFactory, WebRuntime, RuntimeWebHost, LiveEvent, LiveEvents, TickEvent } from './runtime/web-host.js';
// Continuous testing (docs/alerts.md): alert events on the same bus, `/metrics` and an SSE stream as fetch-style handlers.
export type { AlertEvent } from './alerts/alert-manager.js';
export type { RuntimeMetrics } from './metrics/runtime-metrics.js';
export { metricsHandler } from './metrics/handler.js';
export { eventStream } from './metrics/event-stream.js';

export interface RunOptions extends RunInput {
  /** Runtime options; a runtime is created for this run and stopped after it. */
  readonly runtime?: RuntimeOptions | undefined;
}

/** Load, validate and process a block file once; the runtime is stopped afterwards. */
export async function runBlockFile(file: string, options: RunOptions = {}): Promise<ProcessResult> {
  const block = await checkBlock(file);
  return runLoaded(block, options);
}

/**
 * Process an in-memory block (a mapping, as a YAML file would hold it). Relative script paths
 * resolve against the folder of `options.block.file` (default: the current directory).
 */
export async function runBlock(mapping: Record<string, unknown>, options: RunOptions & { block?: InMemoryBlockOptions } = {}): Promise<ProcessResult> {
  return runLoaded(blockFromObject(mapping, options.block), options);
}

async function runLoaded(block: LoadedBlock, options: RunOptions): Promise<ProcessResult> {
  const runtime = await Runtime.create(options.runtime);
  try {
    return await runtime.run(block, { inputData: options.inputData ?? { args: [] }, pipeData: options.pipeData, requestState: options.requestState });
  } finally {
    await runtime.stop('run finished');
  }
}
