/**
 * What a block script author needs (SPEC §3.1):
 *
 * ```ts
 * import type { ProcessBlock } from 'procblock';
 * export const processBlock: ProcessBlock = async (pipeData, block, requestState, inputData, ctx) => {
 *   const n = await ctx.unidist.counter.increment('requests');
 *   return { requests: n };
 * };
 * ```
 */
import type { Unidist } from './unidist/types.js';

export type { WebRequestState, WebResponseFields, CookieSpec } from './web/request-state.js';

/** Log lines from a script land in the runtime's log (stderr), tagged with the script's name. */
export interface ScriptLog {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface ScriptContext {
  /** The tag that called the script (`run`, or a custom tag's key). */
  readonly tag: string;
  /** Working directory for this call (never the process's: use it for relative paths). */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** The mapping that contains the calling tag. */
  readonly blockParent: unknown;
  /** Aborts when the runtime is stopping or the item's timeout passed: loops must check it. */
  readonly signal: AbortSignal;
  /** Shared locks, counters, state, queues and log. */
  readonly unidist: Unidist;
  readonly log: ScriptLog;
}

/**
 * A block script's entry point. Return a plain object to merge it into pipe data; top-level
 * changes made to `pipeData` (a copy) are applied too.
 */
export type ProcessBlock = (
  pipeData: Record<string, unknown>,
  block: unknown,
  requestState: Record<string, unknown>,
  inputData: Readonly<Record<string, unknown>>,
  ctx: ScriptContext,
) => unknown;
