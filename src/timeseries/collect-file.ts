/**
 * One round-robin file of a collector and its graphs. Every operation on the file (open/create,
 * updates, graph renders) goes through one promise chain, so writes are serialised in the order
 * they were recorded and none is lost while an earlier one is still running.
 *
 * Choices where the spec is silent:
 * - The file is created at the first sample with `start = floor(first sample time) − step`: as
 *   if a previous sample had come one step earlier, so the first value lies within its heartbeat
 *   and counts (rrdtool's default `now − 10` would turn it unknown whenever heartbeat < 10 s).
 * - An existing file must have the declared step and fields (name, type, heartbeat, min, max),
 *   and the declared archives when `archives:` was written; otherwise every record fails with
 *   PB_ERR_RRD_INVALID naming both definitions (the file is never rewritten).
 * - A sample whose time is not after the file's last update (two ticks within a microsecond, a
 *   clock set back, a file written by a later run) is dropped with a debug log and counted in
 *   `dropped`: rrdtool refuses it, and nudging it forward would file the value at a wrong time.
 * - Graphs re-render after a write when their `interval` (default: the collect interval) has
 *   passed since the last render, and once more on flush when data arrived since then.
 * - The file's writer lock (`<file>.lock`) is held from `lock()` — at the collector's creation
 *   for a fixed path whose folder exists, else at the first sample — until `close()`. Taking it
 *   fails with PB_ERR_RRD_LOCKED (exit 2) naming the holder's pid, and is retried at each sample.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../core/clock.js';
import { InputError, type SourceLocation } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { GraphOptions } from '../graph/options.js';
import type { CollectConfig } from './collect-config.js';
import type { ResolvedDefinition } from './rrd/definition.js';
import { lockRrdFile, type RrdLock } from './rrd/file-lock.js';
import { RrdFile } from './rrd/rrd-file.js';
import type { RrdInfo, RrdValue } from './rrd/types.js';

export interface CollectFileOptions {
  /** Absolute path of the round-robin file. */
  readonly path: string;
  /** With `key:`, the result entry this file belongs to (as given). */
  readonly entry?: string | undefined;
  readonly config: CollectConfig;
  /** The graphs of this file, with absolute paths. */
  readonly graphs: readonly GraphOptions[];
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where the collect config sits, for errors about the file's definition. */
  readonly location: SourceLocation;
}

export interface CollectFileStats {
  readonly path: string;
  readonly written: number;
  readonly dropped: number;
  readonly errors: number;
  readonly graphsRendered: number;
  readonly graphErrors: number;
  readonly lastError: string | undefined;
}

interface GraphSlot {
  readonly options: GraphOptions;
  readonly intervalMs: number;
  lastRenderMs: number | undefined;
  /** Samples written since the last render. */
  dirty: boolean;
}

export class CollectFile {
  readonly path: string;
  readonly entry: string | undefined;
  private readonly options: CollectFileOptions;
  private readonly graphs: GraphSlot[];
  private file: RrdFile | undefined;
  private writerLock: RrdLock | undefined;
  /** A definition mismatch: permanent, every later record fails with it. */
  private failure: Error | undefined;
  private tail: Promise<void> = Promise.resolve();
  private lastSec = -Infinity;
  private lastUsec = 0;
  private stats = { written: 0, dropped: 0, errors: 0, graphsRendered: 0, graphErrors: 0, lastError: undefined as string | undefined };

  constructor(options: CollectFileOptions) {
    this.path = options.path;
    this.entry = options.entry;
    this.options = options;
    this.graphs = options.graphs.map((g) => ({
      options: g,
      intervalMs: (g.interval ?? options.config.step) * 1000,
      lastRenderMs: undefined,
      dirty: false,
    }));
  }

  /**
   * Take the file's writer lock now, if not held yet (PB_ERR_RRD_LOCKED when another writer has
   * it). `createFolder: false` leaves a missing folder alone (nothing to protect there yet, and a
   * block that fails before its first sample leaves no trace); the lock is then taken, and the
   * folder made, at the first sample.
   */
  lock(createFolder = true): RrdLock | undefined {
    if (!this.writerLock?.held) {
      if (!createFolder && !existsSync(dirname(this.path))) return undefined;
      mkdirSync(dirname(this.path), { recursive: true });
      this.writerLock = lockRrdFile(this.path);
    }
    return this.writerLock;
  }

  /** Queue one sample at `timeSec`; resolves when written (or dropped), rejects when it failed. */
  write(values: Record<string, RrdValue>, timeSec: number): Promise<void> {
    const done = this.enqueue(() => this.update(values, timeSec));
    if (this.graphs.length > 0) void this.enqueue(() => this.renderGraphs(false));
    return done;
  }

  /** Graphs whose interval has passed and that have new data, at `nowMs`. */
  graphsDue(nowMs: number): readonly GraphOptions[] {
    return this.graphs.filter((g) => this.isDue(g, nowMs)).map((g) => g.options);
  }

  /** Wait for every queued write, then render every graph with data newer than its last render. */
  flush(): Promise<void> {
    return this.enqueue(() => this.renderGraphs(true));
  }

  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
    const file = this.file;
    this.file = undefined;
    try {
      await file?.close();
    } finally {
      this.writerLock?.release();
    }
  }

  /** Epoch seconds of the last sample written (or found in the file), or undefined before one. */
  get lastUpdate(): number | undefined {
    return this.lastSec === -Infinity ? undefined : this.lastSec + this.lastUsec / 1e6;
  }

  /**
   * Render `options` from this file at `nowMs`, queued behind the writes already recorded (a
   * web request sees every sample recorded before it). Resolves undefined when the file does
   * not exist yet.
   */
  renderNow(options: GraphOptions, nowMs: number): Promise<Buffer | undefined> {
    let png: Buffer | undefined;
    return this.enqueue(async () => {
      if (!this.file && !existsSync(this.path)) return;
      const file = this.file ?? (await this.ensureOpen(nowMs / 1000));
      const { renderGraph } = await import('../graph/render-graph.js');
      png = await renderGraph(file, options, nowMs / 1000);
    }).then(() => png);
  }

  /** The graphs of this file (absolute paths). */
  get graphOptions(): readonly GraphOptions[] {
    return this.options.graphs;
  }

  /** `rrd info` of the file, queued behind the writes already recorded; undefined while it does not exist. */
  info(): Promise<RrdInfo | undefined> {
    let info: RrdInfo | undefined;
    return this.enqueue(async () => {
      if (!this.file && !existsSync(this.path)) return;
      const file = this.file ?? (await this.ensureOpen(this.options.clock.now() / 1000));
      info = file.info();
    }).then(() => info);
  }

  snapshot(): CollectFileStats {
    return { path: this.path, ...this.stats };
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    const p = this.tail.then(job);
    // The chain goes on after a failure; the caller sees the failure through `p`.
    this.tail = p.catch(() => undefined);
    return p;
  }

  private async update(values: Record<string, RrdValue>, timeSec: number): Promise<void> {
    try {
      const file = await this.ensureOpen(timeSec);
      // The store's own rule (sec, then microseconds), checked first so a stale time is a drop, not an error.
      const sec = Math.floor(timeSec);
      const usec = Math.trunc((timeSec - sec) * 1e6);
      if (sec < this.lastSec || (sec === this.lastSec && usec <= this.lastUsec)) {
        this.stats.dropped++;
        this.options.logger.debug('sample dropped: time not after the last update', {
          file: this.path,
          time: timeSec,
          lastUpdate: this.lastSec + this.lastUsec / 1e6,
        });
        return;
      }
      await file.update({ time: timeSec, values });
      this.lastSec = sec;
      this.lastUsec = usec;
      this.stats.written++;
      for (const g of this.graphs) g.dirty = true;
      this.options.logger.debug('sample written', { file: this.path, time: timeSec, values: printable(values) });
    } catch (e) {
      this.stats.errors++;
      this.stats.lastError = (e as Error).message;
      throw e;
    }
  }

  private async ensureOpen(firstTimeSec: number): Promise<RrdFile> {
    if (this.failure) throw this.failure;
    if (this.file) return this.file;
    const { config, clock } = this.options;
    const lock = this.lock()!;
    let file: RrdFile;
    if (existsSync(this.path)) {
      file = await RrdFile.open(this.path, { clock, lock });
      const mismatch = definitionMismatch(file.definition, config);
      if (mismatch) {
        await file.close();
        this.failure = new InputError(
          'PB_ERR_RRD_INVALID',
          `${this.path} exists with a different definition than the block declares: ${mismatch}` +
            ' (move the file away, or declare what it holds)',
          { location: this.options.location },
        );
        throw this.failure;
      }
      this.options.logger.debug('appending to existing file', { file: this.path });
    } else {
      file = await RrdFile.create(
        this.path,
        {
          step: config.step,
          start: Math.floor(firstTimeSec) - config.step,
          ds: config.fields.map((f) => ({ ...f })),
          rra: config.archives.map((a) => ({ ...a })),
        },
        { clock, lock },
      );
      this.options.logger.info('created time-series file', { file: this.path });
    }
    const info = file.info();
    this.lastSec = info.lastUpdate;
    this.lastUsec = info.lastUpdateUsec;
    this.file = file;
    return file;
  }

  private isDue(g: GraphSlot, nowMs: number): boolean {
    return g.dirty && (g.lastRenderMs === undefined || nowMs - g.lastRenderMs >= g.intervalMs);
  }

  /** Never rejects: a failed graph is logged and counted, and the samples go on. */
  private async renderGraphs(all: boolean): Promise<void> {
    const file = this.file;
    if (!file || this.graphs.length === 0) return;
    const nowMs = this.options.clock.now();
    const due = this.graphs.filter((g) => (all ? g.dirty : this.isDue(g, nowMs)));
    if (due.length === 0) return;
    for (const g of due) {
      g.dirty = false;
      g.lastRenderMs = nowMs;
      try {
        // Loaded on first render: a collector without graphs never loads Chart.js and the canvas.
        const [{ renderGraph }, { writeGraph }] = await Promise.all([import('../graph/render-graph.js'), import('../graph/write-graph.js')]);
        const png = await renderGraph(file, g.options, nowMs / 1000);
        await writeGraph(g.options.path, png);
        this.stats.graphsRendered++;
        this.options.logger.debug('graph written', { graph: g.options.path });
      } catch (e) {
        this.stats.graphErrors++;
        this.stats.lastError = (e as Error).message;
        this.options.logger.error('graph failed', { graph: g.options.path, error: (e as Error).message });
      }
    }
  }
}

/** What differs between the file's definition and the declared one, or undefined. */
function definitionMismatch(def: ResolvedDefinition, config: CollectConfig): string | undefined {
  const problems: string[] = [];
  if (def.step !== config.step) problems.push(`step ${def.step} s in the file, interval ${config.step} s declared`);
  const fileDs = def.ds.map((d) => `${d.name}:${d.type}:${d.heartbeat}:${limitText(d.min)}:${limitText(d.max)}`);
  const wantDs = config.fields.map((d) => `${d.name}:${d.type}:${d.heartbeat}:${limitText(d.min)}:${limitText(d.max)}`);
  if (fileDs.join(' ') !== wantDs.join(' ')) problems.push(`fields DS ${fileDs.join(' ')} in the file, DS ${wantDs.join(' ')} declared`);
  if (config.archivesGiven) {
    const fileRra = def.rra.map((r) => `${r.cf}:${r.xff}:${r.steps}:${r.rows}`);
    const wantRra = config.archives.map((r) => `${r.cf}:${r.xff}:${r.steps}:${r.rows}`);
    if (fileRra.join(' ') !== wantRra.join(' ')) problems.push(`archives RRA ${fileRra.join(' ')} in the file, RRA ${wantRra.join(' ')} declared`);
  }
  return problems.length === 0 ? undefined : problems.join('; ');
}

function limitText(v: number | undefined): string {
  return v === undefined || Number.isNaN(v) ? 'U' : String(v);
}

function printable(values: Record<string, RrdValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) out[k] = typeof v === 'bigint' ? v.toString() : v;
  return out;
}
