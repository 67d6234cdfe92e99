/**
 * The runtime's RunThreads and the time-series collectors attached to them: a RunThreadSet
 * whose threads record each tick's result into their `timeseries collect` files.
 *
 * The collector module (and through it the RRD store and the graph renderer) is imported on
 * first use: a block without `timeseries collect` never pays for Chart.js and the canvas.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { RunThreadSet } from '../schedule/run-thread-set.js';
import type { RunThreadHost, RunThreadSpec, StartedRunThread } from '../schedule/types.js';
import type { GraphOptions } from '../graph/options.js';
import type { Collector } from '../timeseries/collect.js';
import type { Unidist } from '../unidist/types.js';
import { slotClaimer } from './slot-claim.js';
import type { LiveEventBus } from './live-events.js';

const COLLECT_KEYS = ['timeseries collect', 'timeseries_collect'] as const;

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
  /** Epoch seconds of its file's last sample (undefined before the first): a render cache key. */
  readonly lastUpdate: number | undefined;
  /** Seconds a rendering stays current without new samples (the graph's or the collect's interval). */
  readonly refreshSeconds: number;
}

export class RunThreadManager implements RunThreadHost {
  private readonly set: RunThreadSet;
  private readonly collectors = new Map<string, Collector>();
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly events: LiveEventBus | undefined;

  constructor(options: { clock: Clock; logger: Logger; unidist: Unidist; events?: LiveEventBus | undefined }) {
    this.logger = options.logger;
    this.clock = options.clock;
    this.events = options.events;
    this.set = new RunThreadSet({
      clock: options.clock,
      logger: options.logger,
      hooks: (spec) => {
        const collector = this.collectors.get(spec.id);
        const claim = spec.exclusive ? slotClaimer(options.unidist, spec.exclusive.lock, spec.intervalMs) : undefined;
        if (!collector && !this.events && !claim) return undefined;
        return {
          onTick: async (outcome, tickTimeMs) => {
            const fields = { ...outcome.pipeDataSet, ...outcome.returned };
            // The sample is written before the tick is announced: a page reloading its graph sees it.
            if (collector) await collector.record(fields, tickTimeMs);
            if (this.events?.listening) {
              const graphs = collector ? collector.namedGraphs().map((g) => g.name) : [];
              this.events.emit({ kind: 'tick', thread: spec.id, time: tickTimeMs, fields, graphs });
            }
          },
          claim,
        };
      },
    });
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

  get count(): number {
    return this.set.statuses().filter((s) => s.running).length;
  }

  async start(spec: RunThreadSpec): Promise<StartedRunThread> {
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
    if (this.set.get(spec.id)) return this.set.start(spec);
    const once = spec.exclusive ? `; each slot runs in one process only (claims named ${JSON.stringify(spec.exclusive.lock)})` : '';
    this.logger.info(`Starting RunThread: ${spec.id} (${spec.script} every ${spec.intervalMs / 1000} s${once}); waiting for its first result`);
    return this.set.start(spec);
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

  /** Write every pending sample and a final graph, then close the files. */
  async flush(): Promise<void> {
    for (const [id, c] of this.collectors) {
      try {
        await c.close();
        for (const f of c.stats()) {
          this.logger.info(`Time series ${f.path}: ${f.written} sample(s) written${f.graphsRendered ? `, ${f.graphsRendered} graph render(s)` : ''}`);
        }
      } catch (e) {
        this.logger.error(`could not write the time series of RunThread ${id}: ${(e as Error).message}`);
      }
    }
    this.collectors.clear();
  }
}
