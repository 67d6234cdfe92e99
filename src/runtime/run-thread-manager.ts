/**
 * The runtime's RunThreads and the time-series collectors attached to them: a RunThreadSet
 * whose threads record each tick's result into their `timeseries collect` files, warn when a
 * tick overruns or a thread keeps failing (tick-watch.ts), and report their live counts
 * (`snapshot()`, for the status line and the status file) and a summary line each at stop.
 * Cluster-safe threads (`singleton:`/`lock:`) claim each slot in unidist first (slot-claim.ts).
 *
 * The collector module (and through it the RRD store and the graph renderer) is imported on
 * first use: a block without `timeseries collect` never pays for Chart.js and the canvas.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { RunThreadSet } from '../schedule/run-thread-set.js';
import type { RunThreadHost, RunThreadSpec, RunThreadStatus, StartedRunThread } from '../schedule/types.js';
import type { GraphOptions } from '../graph/options.js';
import type { Collector } from '../timeseries/collect.js';
import type { RrdInfo } from '../timeseries/rrd/types.js';
import type { ThreadSnapshot } from './status-snapshot.js';
import { TickWatch } from './tick-watch.js';
import type { Unidist } from '../unidist/types.js';
import { slotClaimer } from './slot-claim.js';
import type { LiveEventBus } from './live-events.js';
import type { CollectConfig } from '../timeseries/collect-config.js';
import type { ScriptOutcome } from '../exec/types.js';

/** What runs after each tick besides collection: windows, derive, alerts, metrics (tick-observers.ts). */
export interface TickObserver {
  /** False when the observer has nothing to do after a tick. */
  readonly active: boolean;
  /**
   * Call `fn` once the observer is active (now, if it is): until then a tick does not touch
   * the observer at all (most threads are never read; their ticks skip it).
   */
  whenActive(fn: () => void): void;
  /** The result to collect (derived fields added); a promise only when files had to be read. */
  beforeCollect(outcome: ScriptOutcome, tickTimeMs: number): Record<string, unknown> | Promise<Record<string, unknown>>;
  afterTick(result: Readonly<Record<string, unknown>>, tickTimeMs: number): void;
  afterError(error: unknown, tickTimeMs: number): void;
}

/** Creates the observer of a starting thread (the runtime loads the observers on first use). */
export type ObserveThread = (spec: RunThreadSpec, collect: CollectConfig | undefined, status: () => RunThreadStatus) => Promise<TickObserver>;

const COLLECT_KEYS = ['timeseries collect', 'timeseries_collect'] as const;

const NO_FIELDS: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/**
 * A tick's result: what the script set on its pipe data, then what it returned. A new object
 * only when it set something; otherwise the returned object itself (a fresh one per tick, which
 * nothing after the tick changes: collectors, observers and event listeners only read it).
 */
function resultFields(outcome: ScriptOutcome): Record<string, unknown> {
  const set = outcome.pipeDataSet;
  for (const _ in set) return { ...set, ...outcome.returned };
  return outcome.returned ?? NO_FIELDS;
}

function collectConfig(spec: RunThreadSpec): unknown {
  for (const k of COLLECT_KEYS) if (spec.item[k] !== undefined) return spec.item[k];
  return undefined;
}

/** A graph of the block's time series that can be rendered on demand (dropSTAR `/graph/<name>.png`). */
export interface GraphEntry {
  readonly name: string;
  /** The RunThread whose ticks feed it. */
  readonly thread: string;
  readonly options: GraphOptions;
  /** Absolute path of its round-robin file. */
  readonly file: string;
  /** With `key:`, the result entry its file belongs to. */
  readonly entry?: string | undefined;
  /** Epoch seconds of its file's last sample (undefined before the first): a render cache key. */
  readonly lastUpdate: number | undefined;
  /** Seconds a rendering stays current without new samples (the graph's or the collect's interval). */
  readonly refreshSeconds: number;
}

export class RunThreadManager implements RunThreadHost {
  private readonly set: RunThreadSet;
  private readonly collectors = new Map<string, Collector>();
  /** Epoch ms of each thread's last sample written. */
  private readonly lastSample = new Map<string, number>();
  /** What the collectors had written when they were closed (the counts outlive them). */
  private readonly closedStats = new Map<string, { samples: number; renders: number }>();
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly events: LiveEventBus | undefined;
  private readonly watch: TickWatch;
  private readonly observers = new Map<string, TickObserver>();
  private readonly observe: ObserveThread | undefined;

  constructor(options: { clock: Clock; logger: Logger; unidist: Unidist; events?: LiveEventBus | undefined; observe?: ObserveThread | undefined }) {
    this.logger = options.logger;
    this.clock = options.clock;
    this.events = options.events;
    this.observe = options.observe;
    this.watch = new TickWatch({ clock: options.clock, logger: options.logger });
    this.set = new RunThreadSet({
      clock: options.clock,
      logger: options.logger,
      hooks: (spec) => {
        // Made once per thread, after `start` set its collector and observer (neither changes
        // while it runs): a tick looks nothing up by id.
        const id = spec.id;
        const collector = this.collectors.get(id);
        let observer: TickObserver | undefined;
        const observes = this.observers.get(id);
        observes?.whenActive(() => (observer = observes));
        return {
          // Not async, and no closure per tick: a promise only where there is I/O (collection,
          // derive source files).
          onTick: (outcome, tickTimeMs) => {
            if (observer === undefined) return this.collect(id, collector, undefined, resultFields(outcome), tickTimeMs);
            const result = observer.beforeCollect(outcome, tickTimeMs);
            return result instanceof Promise
              ? result.then((fields) => this.collect(id, collector, observer, fields, tickTimeMs))
              : this.collect(id, collector, observer, result, tickTimeMs);
          },
          onError: (err, tickTimeMs) => {
            this.watch.failed(id, err instanceof Error ? err.message : String(err));
            observer?.afterError(err, tickTimeMs);
          },
          onSkip: (skipped, inFlightMs) => this.watch.skipped(id, spec.intervalMs / 1000, skipped, inFlightMs === undefined ? undefined : inFlightMs / 1000),
          claim: spec.exclusive ? slotClaimer(options.unidist, spec.exclusive.lock, spec.intervalMs) : undefined,
        };
      },
    });
  }

  /** After a tick (and its derived fields): write the sample, then `ticked`. */
  private collect(id: string, collector: Collector | undefined, observer: TickObserver | undefined, fields: Record<string, unknown>, tickTimeMs: number): void | Promise<void> {
    const written = collector?.record(fields, tickTimeMs);
    return written ? written.then(() => this.ticked(id, collector, observer, fields, tickTimeMs)) : this.ticked(id, collector, observer, fields, tickTimeMs);
  }

  private ticked(id: string, collector: Collector | undefined, observer: TickObserver | undefined, fields: Record<string, unknown>, tickTimeMs: number): void {
    if (collector) this.lastSample.set(id, tickTimeMs);
    this.watch.succeeded(id);
    observer?.afterTick(fields, tickTimeMs);
    // Announced after its sample is written: a page reloading its graph sees it.
    if (this.events?.listening) {
      const graphs = collector ? collector.namedGraphs().map((g) => g.name) : [];
      this.events.emit({ kind: 'tick', thread: id, time: tickTimeMs, fields, graphs });
    }
  }

  /** Every graph that can be rendered on demand, in RunThread start order. */
  graphs(): readonly GraphEntry[] {
    return [...this.collectors].flatMap(([thread, c]) => c.namedGraphs().map((g) => ({ ...g, thread })));
  }

  /** Render graph `name` of thread `thread` with `options`; undefined when it has no data yet. */
  renderGraph(thread: string, name: string, options: GraphOptions): Promise<Buffer | undefined> {
    const collector = this.collectors.get(thread);
    return collector ? collector.renderNamed(name, options, this.clock.now()) : Promise.resolve(undefined);
  }

  /** `rrd info` of the file behind graph `name` of thread `thread`; undefined when it has no file yet. */
  graphInfo(thread: string, name: string): Promise<RrdInfo | undefined> {
    const collector = this.collectors.get(thread);
    return collector ? collector.infoNamed(name) : Promise.resolve(undefined);
  }

  get count(): number {
    return this.set.statuses().filter((s) => s.running).length;
  }

  /** `announce: false` logs the start at debug (a hot reload logs one line of its own). */
  async start(spec: RunThreadSpec, options: { readonly announce?: boolean } = {}): Promise<StartedRunThread> {
    const config = collectConfig(spec);
    if (config !== undefined && !this.collectors.has(spec.id) && !this.set.get(spec.id)) {
      const { createCollector } = await import('../timeseries/collect.js');
      this.collectors.set(
        spec.id,
        createCollector(config, {
          baseDir: spec.baseDir,
          keyPath: `run_thread.${spec.id}.timeseries collect`,
          logger: this.logger.child(`timeseries:${spec.id}`),
          clock: this.clock,
        }),
      );
    }
    if (this.observe && !this.observers.has(spec.id) && !this.set.get(spec.id)) {
      const thread = (): RunThreadStatus => this.set.get(spec.id)?.status() as RunThreadStatus;
      this.observers.set(spec.id, await this.observe(spec, this.collectors.get(spec.id)?.config, thread));
    }
    if (this.set.get(spec.id)) return this.set.start(spec);
    const once = spec.exclusive ? `; each slot runs in one process only (claims named ${JSON.stringify(spec.exclusive.lock)})` : '';
    const msg = `Starting RunThread: ${spec.id} (${spec.script} every ${spec.intervalMs / 1000} s${once}); waiting for its first result`;
    if (options.announce === false) this.logger.debug(msg);
    else this.logger.info(msg);
    return this.set.start(spec);
  }

  /** The status of every RunThread running (or starting) now. */
  statuses(): RunThreadStatus[] {
    return this.set.statuses();
  }

  /** Whether RunThread `id` is running (or starting). */
  has(id: string): boolean {
    return this.set.get(id) !== undefined;
  }

  /** The definition running RunThread `id` was started from. */
  specOf(id: string): RunThreadSpec | undefined {
    return this.set.get(id)?.definition;
  }

  /** Ids of the running (or starting) RunThreads. */
  ids(): string[] {
    return this.set.ids();
  }

  /**
   * Hot reload: stop RunThread `id` after its tick in flight (whose sample is still recorded),
   * up to `deadlineMs`. With `keepCollector` its time-series collector stays open for the thread
   * that replaces it (same declaration); otherwise its pending samples are written and it closes.
   */
  async retire(id: string, deadlineMs: number, options: { readonly keepCollector: boolean }): Promise<void> {
    await this.set.retire(id, deadlineMs);
    if (!options.keepCollector) await this.closeCollector(id);
  }

  /** Every thread's live counts and what its time series did. */
  snapshot(): ThreadSnapshot[] {
    return this.set.statuses().map((s) => {
      const files = this.collectors.get(s.id)?.stats() ?? [];
      const closed = this.closedStats.get(s.id);
      const last = this.lastSample.get(s.id);
      return {
        id: s.id,
        script: s.scripts[0] ?? '',
        intervalSeconds: s.intervalSeconds,
        running: s.running,
        runs: s.runs,
        errors: s.errors,
        skipped: s.skipped,
        ranElsewhere: s.ranElsewhere,
        lastStart: s.lastStart,
        lastDuration: s.lastDuration,
        lastError: s.lastError,
        samples: (closed?.samples ?? 0) + files.reduce((n, f) => n + f.written, 0),
        renders: (closed?.renders ?? 0) + files.reduce((n, f) => n + f.graphsRendered, 0),
        lastSample: last === undefined ? undefined : last / 1000,
      };
    });
  }

  /** Stop scheduling and wait for in-flight ticks up to the deadline. */
  async stopAll(deadlineMs: number): Promise<void> {
    const running = this.set.statuses().filter((s) => s.running);
    if (running.length === 0) return this.set.stopAll(deadlineMs);
    const busy = running.filter((s) => this.set.get(s.id)?.busy).map((s) => s.id);
    this.logger.info(
      `Stopping RunThread(s): ${running.map((s) => s.id).join(', ')}${busy.length ? `; waiting for the tick in flight in ${busy.join(', ')}` : ''}`,
    );
    await this.set.stopAll(deadlineMs);
  }

  /** Write every pending sample and a final graph, close the files, then log one summary line per thread. */
  async flush(): Promise<void> {
    for (const id of [...this.collectors.keys()]) await this.closeCollector(id);
    for (const t of this.snapshot()) {
      const series = this.closedStats.has(t.id) ? `, ${t.samples} sample(s), ${t.renders} graph render(s)` : '';
      this.logger.info(`RunThread ${t.id}: ${t.runs} run(s), ${t.errors} error(s), ${t.skipped} skipped${series}`);
    }
  }

  private async closeCollector(id: string): Promise<void> {
    const c = this.collectors.get(id);
    if (!c) return;
    this.collectors.delete(id);
    try {
      await c.close();
      for (const f of c.stats()) {
        this.logger.info(`Time series ${f.path}: ${f.written} sample(s) written${f.graphsRendered ? `, ${f.graphsRendered} graph render(s)` : ''}`);
      }
    } catch (e) {
      this.logger.error(`could not write the time series of RunThread ${id}: ${(e as Error).message}`);
    }
    // A thread restarted by a hot reload with a new collector adds to what the old one wrote.
    const stats = c.stats();
    const before = this.closedStats.get(id) ?? { samples: 0, renders: 0 };
    this.closedStats.set(id, {
      samples: before.samples + stats.reduce((n, f) => n + f.written, 0),
      renders: before.renders + stats.reduce((n, f) => n + f.graphsRendered, 0),
    });
  }
}
