/**
 * unidist, the library entry (SPEC §5): `createUnidist()` opens a back end; `serveUnidist` /
 * `connectUnidist` carry one to worker threads. The Redis back end (and node-redis) is loaded
 * only when asked for, so the memory back end costs nothing more at start-up.
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

export const UNIDIST_BACKENDS = ['memory', 'redis'] as const;
export type UnidistBackend = (typeof UNIDIST_BACKENDS)[number];

export interface CreateUnidistOptions {
  /** Which back end (default 'memory'). */
  readonly backend?: UnidistBackend | undefined;
  /** redis: `redis://host:port/db`, `rediss://…` (TLS) or `unix:///path.sock`. */
  readonly url?: string | undefined;
  /** redis: every key starts with `<prefix>:`; processes share what shares a prefix (default 'procblock'). */
  readonly prefix?: string | undefined;
  /** redis: longest a call waits for Redis before PB_ERR_UNIDIST_UNAVAILABLE, ms (default: the URL's `timeout`, else 5000). */
  readonly callTimeout?: number | undefined;
  /** redis: which clock lock TTLs run on, 'redis' (default) or 'local' (the `clock` option). */
  readonly lockClock?: 'redis' | 'local' | undefined;
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
    case 'redis': {
      if (typeof options.url !== 'string' || options.url === '') {
        throw new InputError('PB_ERR_INVALID_ARGUMENT', `unidist backend 'redis' needs a url (redis://host:port/db, rediss://… or unix:///path.sock), got ${describe(options.url)}`);
      }
      const { createRedisUnidist } = await import('./redis/create-redis-unidist.js');
      return createRedisUnidist({
        url: options.url,
        prefix: options.prefix,
        clock: options.clock,
        logger: options.logger,
        callTimeout: options.callTimeout,
        lockClock: options.lockClock,
      });
    }
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
