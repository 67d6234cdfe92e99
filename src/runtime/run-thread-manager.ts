/**
 * The runtime's RunThreads and the time-series collectors attached to them: a RunThreadSet
 * whose threads record each tick's result into their `timeseries collect` files.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { RunThreadSet } from '../schedule/run-thread-set.js';
import type { RunThreadHost, RunThreadSpec, StartedRunThread } from '../schedule/types.js';
import { createCollector, type Collector } from '../timeseries/collect.js';

const COLLECT_KEY = 'timeseries collect';

export class RunThreadManager implements RunThreadHost {
  private readonly set: RunThreadSet;
  private readonly collectors = new Map<string, Collector>();
  private readonly logger: Logger;

  constructor(options: { clock: Clock; logger: Logger }) {
    this.logger = options.logger;
    this.set = new RunThreadSet({
      clock: options.clock,
      logger: options.logger,
      hooks: (spec) => {
        const config = spec.item[COLLECT_KEY] ?? spec.item.timeseries_collect;
        if (config === undefined) return undefined;
        const collector = createCollector(config, {
          baseDir: spec.baseDir,
          keyPath: `run_thread.${spec.id}.${COLLECT_KEY}`,
          logger: options.logger.child(`timeseries:${spec.id}`),
          clock: options.clock,
        });
        this.collectors.set(spec.id, collector);
        return { onTick: (outcome, tickTimeMs) => collector.record({ ...outcome.pipeDataSet, ...outcome.returned }, tickTimeMs) };
      },
    });
  }

  get count(): number {
    return this.set.statuses().filter((s) => s.running).length;
  }

  start(spec: RunThreadSpec): Promise<StartedRunThread> {
    return this.set.start(spec);
  }

  /** Stop scheduling and wait for in-flight ticks up to the deadline. */
  stopAll(deadlineMs: number): Promise<void> {
    return this.set.stopAll(deadlineMs);
  }

  /** Write every pending sample and a final graph, then close the files. */
  async flush(): Promise<void> {
    for (const [id, c] of this.collectors) {
      try {
        await c.close();
      } catch (e) {
        this.logger.error(`could not write the time series of RunThread ${id}: ${(e as Error).message}`);
      }
    }
    this.collectors.clear();
  }
}
