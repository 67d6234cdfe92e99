import type { Clock } from '../../core/clock.js';
import type { RrdLock } from './file-lock.js';

/**
 * Public types of procblock's round-robin store. Semantics are rrdtool 1.7's (see docs/rrd-format.md).
 */

export type DsType = 'GAUGE' | 'COUNTER' | 'DERIVE' | 'ABSOLUTE';
export type ConsolidationFn = 'AVERAGE' | 'MIN' | 'MAX' | 'LAST';

/** One data source. `min`/`max` undefined (or NaN) mean "U" (no limit). */
export interface DsDef {
  name: string;
  type: DsType;
  heartbeat: number;
  min?: number | undefined;
  max?: number | undefined;
}

/** One round-robin archive: `rows` consolidated rows of `steps` primary data points each. */
export interface RraDef {
  cf: ConsolidationFn;
  xff: number;
  steps: number;
  rows: number;
}

export interface RrdDefinition {
  /** Primary data point length, seconds (integer ≥ 1). */
  step: number;
  /** Epoch seconds of the (virtual) last update; default now − 10 (as rrdtool). */
  start?: number | undefined;
  ds: DsDef[];
  rra: RraDef[];
}

/**
 * A value for one data source. `null`/`undefined`/missing/NaN = unknown ("U").
 * COUNTER/DERIVE take integers; pass a `bigint` (or a decimal integer string) for counters
 * beyond 2^53 so 64-bit wraps are exact.
 */
export type RrdValue = number | bigint | string | null | undefined;

export interface RrdSample {
  /** Epoch seconds, may be fractional (microsecond resolution, as rrdtool); 'now' = the file's clock. */
  time: number | 'now';
  values: Record<string, RrdValue>;
}

export interface FetchOptions {
  cf: ConsolidationFn;
  start: number;
  end: number;
  /** Wanted seconds per row; default: the finest archive (rrdtool's `-r`). */
  resolution?: number | undefined;
}

export interface FetchResult {
  start: number;
  end: number;
  step: number;
  dsNames: string[];
  rows: number;
  /** Per DS, NaN = unknown; row i is the interval ending at start + (i+1)*step, as rrdtool prints it. */
  columns: Float64Array[];
}

/** Per-DS state, as `rrdtool info` shows it. */
export interface RrdDsInfo extends DsDef {
  /** Last value given (rrdtool's `last_ds`), "U" when unknown. */
  lastDs: string;
  /** Accumulated value*seconds of the current primary data point (NaN = unknown). */
  value: number;
  unknownSec: number;
}

export interface RrdCdpInfo {
  value: number;
  unknownDatapoints: number;
  primaryValue: number;
  secondaryValue: number;
}

export interface RrdRraInfo extends RraDef {
  curRow: number;
  /** Per DS consolidation state. */
  cdpPrep: RrdCdpInfo[];
}

export interface RrdInfo {
  filename: string;
  /** Format version of procblock's file. */
  formatVersion: number;
  /** rrdtool's RRD version this file's semantics follow ("0003"). */
  rrdVersion: string;
  step: number;
  lastUpdate: number;
  /** Microseconds part of the last update (rrdtool's last_up_usec). */
  lastUpdateUsec: number;
  ds: RrdDsInfo[];
  rra: RrdRraInfo[];
  headerSize: number;
}

/** @internal The writes, in order: an update's log record; a checkpoint's rows in place, then its slot. */
export type WritePoint = 'record' | 'rows' | 'slot';

export interface OpenOptions {
  /** Clock for `time: 'now'` and the default create start (default: the system clock). */
  clock?: Clock | undefined;
  /** Open for reading only (fetch, info, dump; never writes, never takes the lock): updates fail with PB_ERR_RRD_IO. Default false. */
  readOnly?: boolean | undefined;
  /**
   * The writer lock (`<file>.lock`): `true` takes it at open (PB_ERR_RRD_LOCKED when another
   * writer holds it) and releases it at close; a lock from `lockRrdFile(path)` is written under
   * and stays the caller's to release (cheap repeated open/update/close). Default: taken by the
   * first `update()`, released at close; handles that only read never take it.
   */
  lock?: boolean | RrdLock | undefined;
  /** @internal Log bytes that trigger a checkpoint (default 64 KiB); tests make it small. */
  logLimitBytes?: number | undefined;
  /** @internal Called after each write of an update (the crash test pauses the writer there). */
  writeHook?: ((point: WritePoint) => void) | undefined;
}

export interface CreateOptions extends OpenOptions {
  /** Replace an existing file (default false: an existing file is an error, PB_ERR_RRD_INVALID). */
  overwrite?: boolean | undefined;
}

export type ImportOptions = CreateOptions;
