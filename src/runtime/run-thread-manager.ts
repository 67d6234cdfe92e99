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
import type { Collector } from '../timeseries/collect.js';
import type { Unidist } from '../unidist/types.js';
import { slotClaimer } from './slot-claim.js';
import type { CollectConfig } from '../timeseries/collect-config.js';
import type { ScriptOutcome } from '../exec/types.js';
import type { RunThreadStatus } from '../schedule/types.js';

/** What runs after each tick besides collection: windows, derive, alerts, metrics, events (tick-observers.ts). */
export interface TickObserver {
  /** False when the observer has nothing to do after a tick (checked per tick). */
  readonly active: boolean;
  /** The result to collect (derived fields added); a promise only when files had to be read. */
  beforeCollect(outcome: ScriptOutcome, tickTimeMs: number): Record<string, unknown> | Promise<Record<string, unknown>>;
  afterTick(result: Readonly<Record<string, unknown>>, tickTimeMs: number): void;
  afterError(error: unknown, tickTimeMs: number): void;
}

/** Creates the observer of a starting thread (the runtime loads the observers on first use). */
export type ObserveThread = (spec: RunThreadSpec, collect: CollectConfig | undefined, status: () => RunThreadStatus) => Promise<TickObserver>;

const COLLECT_KEYS = ['timeseries collect', 'timeseries_collect'] as const;

function collectConfig(spec: RunThreadSpec): unknown {
  for (const k of COLLECT_KEYS) if (spec.item[k] !== undefined) return spec.item[k];
  return undefined;
}

export class RunThreadManager implements RunThreadHost {
  private readonly set: RunThreadSet;
  private readonly collectors = new Map<string, Collector>();
  private readonly observers = new Map<string, TickObserver>();
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly observe: ObserveThread | undefined;

  constructor(options: { clock: Clock; logger: Logger; unidist: Unidist; observe?: ObserveThread | undefined }) {
    this.logger = options.logger;
    this.clock = options.clock;
    this.observe = options.observe;
    this.set = new RunThreadSet({
      clock: options.clock,
      logger: options.logger,
      hooks: (spec) => {
        const collector = this.collectors.get(spec.id);
        const observer = this.observers.get(spec.id);
        const claim = spec.exclusive ? slotClaimer(options.unidist, spec.exclusive.lock, spec.intervalMs) : undefined;
        // Promises only where there is I/O (collection, source files): evaluating alerts on a
        // thread without a collector adds none per tick.
        const collectThen = (o: TickObserver, result: Record<string, unknown>, tickTimeMs: number): void | Promise<void> => {
          const written = collector?.record(result, tickTimeMs);
          if (!written) return o.afterTick(result, tickTimeMs);
          return written.then(() => o.afterTick(result, tickTimeMs));
        };
        return {
          onTick:
            collector || observer
              ? (outcome, tickTimeMs) => {
                  if (!observer?.active) return collector?.record({ ...outcome.pipeDataSet, ...outcome.returned }, tickTimeMs);
                  const result = observer.beforeCollect(outcome, tickTimeMs);
                  return result instanceof Promise ? result.then((r) => collectThen(observer, r, tickTimeMs)) : collectThen(observer, result, tickTimeMs);
                }
              : undefined,
          onError: observer ? (error, tickTimeMs) => (observer.active ? observer.afterError(error, tickTimeMs) : undefined) : undefined,
          claim,
        };
      },
    });
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
    if (this.observe && !this.observers.has(spec.id) && !this.set.get(spec.id)) {
      const thread = (): RunThreadStatus => this.set.get(spec.id)?.status() as RunThreadStatus;
      this.observers.set(spec.id, await this.observe(spec, this.collectors.get(spec.id)?.config, thread));
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
