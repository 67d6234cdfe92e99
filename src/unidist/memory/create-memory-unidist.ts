import { systemClock, type Clock } from '../../core/clock.js';
import { InputError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import { emptyData } from './data.js';
import { MemoryUnidist } from './memory-unidist.js';
import { openStateDir } from './persist/state-dir-store.js';
import { describe } from './validate.js';

export interface MemoryUnidistOptions {
  /** Persist counters, state, queues and fencing-token high-water marks here; undefined = memory only. */
  readonly stateDir?: string | undefined;
  readonly clock?: Clock | undefined;
  /** Where `unidist.log` lines and persistence warnings go. */
  readonly logger?: Logger | undefined;
  /** Longest time a change waits in memory before it is appended to the journal (default 1000). */
  readonly flushIntervalMs?: number | undefined;
  /** Compact the journal into a snapshot once it grows past this many bytes (default 8 MiB). */
  readonly compactBytes?: number | undefined;
  /** Called after each flush with how many ops are durable since open (tests, metrics). */
  readonly onFlushed?: ((stats: { durableOps: number }) => void) | undefined;
}

export interface ResolvedMemoryUnidistOptions {
  readonly stateDir: string | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly flushIntervalMs: number;
  readonly compactBytes: number;
  readonly onFlushed: ((stats: { durableOps: number }) => void) | undefined;
}

const DEFAULTS = Object.freeze({ flushIntervalMs: 1000, compactBytes: 8 * 1024 * 1024 });

export function resolveMemoryUnidistOptions(options: MemoryUnidistOptions = {}): ResolvedMemoryUnidistOptions {
  const positive = (name: string, v: number | undefined, dflt: number): number => {
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !(v >= 0) || v === Infinity) {
      throw new InputError('PB_ERR_INVALID_ARGUMENT', `unidist option ${name} must be a finite number >= 0, got ${describe(v)}`);
    }
    return v;
  };
  if (options.stateDir !== undefined && (typeof options.stateDir !== 'string' || options.stateDir === '')) {
    throw new InputError('PB_ERR_INVALID_ARGUMENT', `unidist option stateDir must be a non-empty string, got ${describe(options.stateDir)}`);
  }
  return Object.freeze({
    stateDir: options.stateDir,
    clock: options.clock ?? systemClock,
    logger: options.logger ?? silentLogger,
    flushIntervalMs: positive('flushIntervalMs', options.flushIntervalMs, DEFAULTS.flushIntervalMs),
    compactBytes: positive('compactBytes', options.compactBytes, DEFAULTS.compactBytes),
    onFlushed: options.onFlushed,
  });
}

/**
 * Open the memory back end. With `stateDir`, load the snapshot, replay the journal and take the
 * dir's process lock (PB_ERR_ALREADY_RUNNING when another live process has it).
 */
export async function createMemoryUnidist(options: MemoryUnidistOptions = {}): Promise<MemoryUnidist> {
  const o = resolveMemoryUnidistOptions(options);
  if (o.stateDir === undefined) return new MemoryUnidist({ data: emptyData(), clock: o.clock, logger: o.logger, sink: undefined });
  const { data, sink } = await openStateDir(o.stateDir, {
    clock: o.clock,
    logger: o.logger,
    flushIntervalMs: o.flushIntervalMs,
    compactBytes: o.compactBytes,
    onFlushed: o.onFlushed,
  });
  return new MemoryUnidist({ data, clock: o.clock, logger: o.logger, sink });
}
