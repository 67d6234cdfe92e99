/**
 * `timeseries collect` (SPEC §6): turns each tick's result into round-robin updates, and keeps
 * the item's graphs re-rendered. One collector per RunThread; one `CollectFile` per file (one per
 * result entry with `key:`).
 *
 * `record()` returns a promise that settles when the sample is written (callers may ignore it:
 * it is never an unhandled rejection). The runtime awaits it in the RunThread's `onTick`, so a
 * failed write counts as that tick's error and a first-tick failure reaches the CLI.
 *
 * Choices where the spec is silent:
 * - The sample time is the tick's time (`tickTimeMs / 1000`, sub-second kept).
 * - A field value that does not fit its type becomes unknown; the first such problem per field
 *   is a warning, later ones are debug lines.
 * - With `key:`, an entry name is made safe for a file name: characters outside
 *   `[A-Za-z0-9._-]` become `_`, and `.`/`..`/empty become `_` (no path escapes the folder).
 *   A missing or non-mapping `result[key]` writes nothing (debug line). `%(key)s` in a graph's
 *   `title` or `vertical label` shows the entry's name as given ("Network eth0").
 */
import { basename, resolve } from 'node:path';
import type { Clock } from '../core/clock.js';
import { RuntimeFailure, type SourceLocation } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { GraphOptions } from '../graph/options.js';
import { KEY_PLACEHOLDER, parseCollectConfig, type CollectConfig } from './collect-config.js';
import { CollectFile, type CollectFileStats } from './collect-file.js';
import { sampleValues } from './collect-values.js';
import type { RrdInfo } from './rrd/types.js';

export type { CollectConfig } from './collect-config.js';
export type { CollectFileStats } from './collect-file.js';

export interface CollectorOptions {
  /** Folder that `path` (and graph paths) resolve against: the run's working directory. */
  readonly baseDir: string;
  /** Key path of the `timeseries collect` value, for error messages. */
  readonly keyPath: string;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The block file (and position) the config came from, for error messages. */
  readonly source?: { readonly file: string; readonly line?: number | undefined; readonly col?: number | undefined } | undefined;
}

export interface DueGraph {
  /** Absolute path of the round-robin file. */
  readonly file: string;
  readonly graph: GraphOptions;
}

/** A graph of a collector, as dropSTAR serves it (`/graph/<name>.png`). */
export interface NamedGraph {
  /** The PNG file's base name without extension (`network-eth0` for entry `eth0` of a `key:` collect). */
  readonly name: string;
  /** The options of this graph (of this entry, with `key:`: its path, and `%(key)s` filled in its texts). */
  readonly options: GraphOptions;
  /** Absolute path of the round-robin file the graph is drawn from. */
  readonly file: string;
  /** With `key:`, the entry of the result the file belongs to (as given, before it was made file-safe). */
  readonly entry?: string | undefined;
  /** Epoch seconds of the file's last sample, undefined before the first. */
  readonly lastUpdate: number | undefined;
  /** How often the graph is re-rendered: its `interval`, else the collect interval (seconds). */
  readonly refreshSeconds: number;
}

export interface Collector {
  readonly config: CollectConfig;
  /**
   * Graphs that can be rendered on demand: the declared ones, or with `key:` those of every entry
   * seen so far (one file per entry, created at the tick that first saw it).
   */
  namedGraphs(): readonly NamedGraph[];
  /** Render graph `name` with `options` (the declared ones, with overrides) now; undefined without data. */
  renderNamed(name: string, options: GraphOptions, nowMs: number): Promise<Buffer | undefined>;
  /** `rrd info` of the file behind graph `name`, after the writes recorded so far; undefined without a file. */
  infoNamed(name: string): Promise<RrdInfo | undefined>;
  /** Queue the declared fields of `result` as one sample at the tick's time. */
  record(result: Readonly<Record<string, unknown>>, tickTimeMs: number): Promise<void>;
  /** Graphs whose re-render interval has passed and that have new data. */
  graphsDue(nowMs: number): readonly DueGraph[];
  /** Write every pending sample, then every graph with new data. */
  flush(): Promise<void>;
  /** Flush, then close the files. Idempotent (same promise). Later records reject PB_ERR_CLOSED. */
  close(): Promise<void>;
  stats(): readonly CollectFileStats[];
}

/**
 * Check `config` (throws InputError: PB_ERR_VALIDATION, or PB_ERR_RRD_INVALID for definition
 * rules) and return a collector. A fixed path's writer lock is taken here when its folder
 * exists (PB_ERR_RRD_LOCKED when another writer holds the file), so a second writer fails before
 * its first tick; files are opened or created, and other locks taken, on first use.
 */
export function createCollector(config: unknown, options: CollectorOptions): Collector {
  const source = { file: options.source?.file ?? '<block>', line: options.source?.line, col: options.source?.col };
  const parsed = parseCollectConfig(config, { ...source, keyPath: options.keyPath });
  const collector = new TimeSeriesCollector(parsed, options, { ...source, keyPath: options.keyPath });
  if (parsed.key === undefined) collector.lockFixedFile();
  return collector;
}

class TimeSeriesCollector implements Collector {
  private readonly files = new Map<string, CollectFile>();
  private readonly warnedFields = new Set<string>();
  private closePromise: Promise<void> | undefined;

  constructor(
    readonly config: CollectConfig,
    private readonly options: CollectorOptions,
    private readonly location: SourceLocation,
  ) {}

  record(result: Readonly<Record<string, unknown>>, tickTimeMs: number): Promise<void> {
    const p = this.closePromise
      ? Promise.reject(new RuntimeFailure('PB_ERR_CLOSED', `time-series collector ${this.options.keyPath} is closed`))
      : Promise.all(this.entries(result).map(([entry, data]) => this.recordOne(entry, data, tickTimeMs))).then(() => undefined);
    // Marked handled here; a caller that awaits `p` still sees the rejection.
    p.catch(() => undefined);
    return p;
  }

  namedGraphs(): readonly NamedGraph[] {
    if (this.config.key === undefined) {
      const path = this.resolvePath(this.config.path, undefined);
      const file = this.files.get(path);
      return this.config.graphs.map((options) => ({
        name: graphName(options.path),
        options,
        file: path,
        lastUpdate: file?.lastUpdate,
        refreshSeconds: options.interval ?? this.config.step,
      }));
    }
    // One file per entry seen so far, in the order the entries first appeared.
    return [...this.files.values()].flatMap((f) =>
      f.graphOptions.map((options) => ({
        name: graphName(options.path),
        options,
        file: f.path,
        entry: f.entry,
        lastUpdate: f.lastUpdate,
        refreshSeconds: options.interval ?? this.config.step,
      })),
    );
  }

  renderNamed(name: string, options: GraphOptions, nowMs: number): Promise<Buffer | undefined> {
    const file = this.fileOfGraph(name);
    return file ? file.renderNow(options, nowMs) : Promise.resolve(undefined);
  }

  infoNamed(name: string): Promise<RrdInfo | undefined> {
    const file = this.fileOfGraph(name);
    return file ? file.info() : Promise.resolve(undefined);
  }

  /** The file behind graph `name`: the fixed file, or the entry's (only entries seen so far). */
  private fileOfGraph(name: string): CollectFile | undefined {
    if (this.config.key === undefined) return this.config.graphs.some((g) => graphName(g.path) === name) ? this.fileFor(undefined) : undefined;
    for (const f of this.files.values()) if (f.graphOptions.some((g) => graphName(g.path) === name)) return f;
    return undefined;
  }

  /** Take the writer lock of the file of a collector without `key:`, when its folder exists. */
  lockFixedFile(): void {
    this.fileFor(undefined).lock(false);
  }

  graphsDue(nowMs: number): readonly DueGraph[] {
    return [...this.files.values()].flatMap((f) => f.graphsDue(nowMs).map((graph) => ({ file: f.path, graph })));
  }

  async flush(): Promise<void> {
    const results = await Promise.allSettled([...this.files.values()].map((f) => f.flush()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  close(): Promise<void> {
    this.closePromise ??= Promise.all([...this.files.values()].map((f) => f.close())).then(() => undefined);
    return this.closePromise;
  }

  stats(): readonly CollectFileStats[] {
    return [...this.files.values()].map((f) => f.snapshot());
  }

  /** [entry name or undefined, the object holding the fields] pairs for one result. */
  private entries(result: Readonly<Record<string, unknown>>): [string | undefined, Readonly<Record<string, unknown>>][] {
    const key = this.config.key;
    if (key === undefined) return [[undefined, result]];
    const map = result[key];
    if (!isMapping(map)) {
      this.options.logger.debug('result has no mapping under the collect key; nothing written', { key });
      return [];
    }
    const out: [string, Readonly<Record<string, unknown>>][] = [];
    for (const [entry, value] of Object.entries(map)) {
      if (isMapping(value)) out.push([entry, value]);
      else this.warnOnce(`${key}.${entry}`, `entry ${key}.${entry} is not a mapping of fields; skipped`);
    }
    return out;
  }

  private recordOne(entry: string | undefined, data: Readonly<Record<string, unknown>>, tickTimeMs: number): Promise<void> {
    const { values, problems } = sampleValues(this.config.fields, data);
    for (const p of problems) {
      this.warnOnce(`${entry ?? ''}\0${p.field}`, `field ${p.field}${entry === undefined ? '' : ` of ${entry}`} recorded as unknown: ${p.reason}`);
    }
    return this.fileFor(entry).write(values, tickTimeMs / 1000);
  }

  private fileFor(entry: string | undefined): CollectFile {
    const name = entry === undefined ? undefined : safeFileName(entry);
    const path = this.resolvePath(this.config.path, name);
    let file = this.files.get(path);
    if (!file) {
      file = new CollectFile({
        path,
        entry,
        config: this.config,
        graphs: this.config.graphs.map((g) => graphForEntry(g, entry, this.resolvePath(g.path, name))),
        clock: this.options.clock,
        logger: this.options.logger,
        location: this.location,
      });
      this.files.set(path, file);
    }
    return file;
  }

  private resolvePath(template: string, entry: string | undefined): string {
    return resolve(this.options.baseDir, entry === undefined ? template : template.split(KEY_PLACEHOLDER).join(entry));
  }

  private warnOnce(id: string, msg: string): void {
    if (this.warnedFields.has(id)) this.options.logger.debug(msg);
    else {
      this.warnedFields.add(id);
      this.options.logger.warn(msg);
    }
  }
}

/** `data/cpu.png` → `cpu`. */
export function graphName(path: string): string {
  const base = basename(path);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/**
 * A graph of one file: its resolved `path`, and `%(key)s` in its title and vertical label filled
 * with the entry's name as given (it is text there, not part of a path).
 */
export function graphForEntry(g: GraphOptions, entry: string | undefined, path: string): GraphOptions {
  const text = (t: string | undefined): string | undefined => (t === undefined || entry === undefined ? t : t.split(KEY_PLACEHOLDER).join(entry));
  return Object.freeze({ ...g, path, title: text(g.title), verticalLabel: text(g.verticalLabel) });
}

function safeFileName(entry: string): string {
  const s = entry.replace(/[^A-Za-z0-9._-]/g, '_');
  return s === '' || s === '.' || s === '..' ? '_' : s;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
