/**
 * Processing a block (SPEC §2): walk its mapping by priority, hand keys to tag functions,
 * run lists, and return a new result object plus the pipeline's pipe data. The block's data and
 * the input data are never mutated. Semantics chosen where the spec is silent: docs/engine.md.
 */
import type { LoadedBlock } from '../config/types.js';
import { InputError } from '../core/errors.js';
import type { EngineContext } from './context.js';
import { blockFromObject, deepFreeze, type InMemoryBlockOptions } from './in-memory-block.js';
import { processLevel } from './level.js';
import { compiledLevel } from './level-cache.js';
import { builtInTags } from './tag-registry.js';
import type { ProcessOptions, ProcessResult } from './types.js';

export function processBlock(block: LoadedBlock, options: ProcessOptions): Promise<ProcessResult> {
  return staticRun(block, options) ?? processAnyBlock(block, options);
}

/**
 * A block of plain data only (level-cache.ts: a static top level) is its result, copied: made
 * here without the engine's async frames. Same result and pipe data as `processAnyBlock`, which
 * handles every other case (a missing `services`, an aborted run, a problem in the plan), and
 * its errors.
 *
 * Measured on a web server answering a data-only RPC under load (bench/dropstar.bench.mjs,
 * node --trace-gc): through the two async frames, each scavenge promoted ~0.3 MB to the old
 * generation; without them ~1 KB, and the server's CPU per request fell by a fifth.
 */
/**
 * Whether `block` is plain data at its top level (a static level, level-cache.ts): processing it
 * copies its data, reading no request state, waiting for nothing and never aborting midway.
 */
export function isPlainDataBlock(block: LoadedBlock): boolean {
  const { plan, staticResult } = compiledLevel(block.data, block.tags, builtInTags);
  return staticResult !== undefined && plan.problems.length === 0;
}

function staticRun(block: LoadedBlock, options: ProcessOptions): Promise<ProcessResult> | undefined {
  if (!options.services) return undefined;
  if (options.abort ? options.abort.aborted : options.signal?.aborted === true) return undefined;
  const { plan, staticResult } = compiledLevel(block.data, block.tags, builtInTags);
  if (!staticResult || plan.problems.length > 0) return undefined;
  try {
    const pipeData = options.pipeData ?? (structuredClone(frozenOrCopy(options.inputData)) as Record<string, unknown>);
    return Promise.resolve({ result: staticResult(), pipeData });
  } catch (e) {
    return Promise.reject(e as Error);
  }
}

async function processAnyBlock(block: LoadedBlock, options: ProcessOptions): Promise<ProcessResult> {
  const { services } = options;
  if (!services) throw new InputError('PB_ERR_INVALID_ARGUMENT', 'processBlock needs options.services');
  const inputData = frozenOrCopy(options.inputData);
  const pipeData = options.pipeData ?? (structuredClone(inputData) as Record<string, unknown>);
  const abort = options.abort;
  const ctx: EngineContext = {
    block,
    services,
    logger: services.logger,
    pipeData,
    inputData,
    requestState: frozenOrCopy(options.requestState),
    signal: abort ? undefined : options.signal,
    abort,
    cwd: options.cwd ?? block.usage?.cwd ?? block.dir,
    response: options.response,
    htmlTemplates: options.htmlTemplates === true,
    scriptTimeoutMs: options.scriptTimeoutMs,
  };
  const result = await processLevel(block.data, [], ctx, builtInTags, undefined);
  return { result, pipeData };
}

const NOTHING_GIVEN: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * Input data and request state as the run sees them: a frozen object is its owner's promise that
 * it is frozen all the way down (the web server builds both per request), so it is used as it
 * is; anything else is copied, then frozen.
 */
function frozenOrCopy(value: Readonly<Record<string, unknown>> | undefined): Readonly<Record<string, unknown>> {
  if (value === undefined) return NOTHING_GIVEN;
  return Object.isFrozen(value) ? value : deepFreeze(structuredClone(value));
}

/** Process an in-memory mapping (library use): `blockFromObject` + `processBlock`. */
export async function processMapping(
  data: Readonly<Record<string, unknown>>,
  options: ProcessOptions & InMemoryBlockOptions,
): Promise<ProcessResult> {
  return processBlock(blockFromObject(data, options), options);
}
