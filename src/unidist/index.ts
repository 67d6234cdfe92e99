/**
 * unidist, the library entry (SPEC §5): `createUnidist()` opens a back end; `serveUnidist` /
 * `connectUnidist` carry one to worker threads.
 */
import type { Clock } from '../core/clock.js';
import { InputError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { createMemoryUnidist } from './memory/create-memory-unidist.js';
import { describe } from './memory/validate.js';
import type { Unidist } from './types.js';

export type * from './types.js';
export { createMemoryUnidist, MemoryUnidist, type MemoryUnidistOptions } from './memory/index.js';
export { connectUnidist, serveUnidist, type UnidistEndpoint } from './remote/index.js';

export const UNIDIST_BACKENDS = ['memory'] as const;
export type UnidistBackend = (typeof UNIDIST_BACKENDS)[number];

export interface CreateUnidistOptions {
  /** Which back end (default 'memory'). */
  readonly backend?: UnidistBackend | undefined;
  /** memory: persist counters, state and queues here (survive a restart). */
  readonly stateDir?: string | undefined;
  readonly clock?: Clock | undefined;
  readonly logger?: Logger | undefined;
  /** memory + stateDir: longest time a change stays unwritten (default 1000 ms). */
  readonly flushIntervalMs?: number | undefined;
}

export async function createUnidist(options: CreateUnidistOptions = {}): Promise<Unidist> {
  const backend = options.backend ?? 'memory';
  switch (backend) {
    case 'memory':
      return createMemoryUnidist({
        stateDir: options.stateDir,
        clock: options.clock,
        logger: options.logger,
        flushIntervalMs: options.flushIntervalMs,
      });
    default:
      throw new InputError(
        'PB_ERR_INVALID_ARGUMENT',
        `unidist backend must be one of ${UNIDIST_BACKENDS.join(', ')}, got ${describe(backend)}`,
      );
  }
}
