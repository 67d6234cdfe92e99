/**
 * Runs one blocks/ collector as a user's runtime would (the real loader, engine, RunThreads,
 * worker threads and time-series files), but on a FakeClock: the test decides when each tick
 * happens and reads the system on both sides of it. Ticks are awaited through the collector's
 * own "sample written" log records, never by sleeping.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkBlock } from '../../dist/config/index.js';
import { createLogger, type LogRecord } from '../../dist/core/logger.js';
import { Runtime } from '../../dist/runtime/runtime.js';
import { RrdFile } from '../../dist/timeseries/rrd/index.js';
import { repoRoot } from '../helpers/cli.js';
import { FakeClock } from '../helpers/fake-clock.js';

export const BLOCKS = path.join(repoRoot, 'blocks');
/** 2026-01-01T00:00:00Z: a multiple of the 1-s step, so ticks land on step boundaries. */
export const T0 = Date.UTC(2026, 0, 1);
export const STEP = 1;

export interface Sample {
  /** File name within the data folder. */
  readonly file: string;
  /** Epoch seconds. */
  readonly time: number;
  readonly values: Readonly<Record<string, number | null>>;
}

export class CollectorRun {
  /** Pipe data after the first processing (the first tick's values merged in). */
  first: Record<string, unknown> = {};
  private readonly records: LogRecord[] = [];
  private readonly waiters: (() => void)[] = [];
  private readonly clock = new FakeClock(T0);
  private runtime!: Runtime;
  private stopped = false;

  private constructor(readonly dir: string) {}

  /** Start `blocks/<name>.yaml` with a 1-s interval, its data in a temp folder. */
  static async start(name: string, params: Record<string, unknown> = {}): Promise<CollectorRun> {
    const run = new CollectorRun(mkdtempSync(path.join(os.tmpdir(), `pb-blocks-${name}-`)));
    const logger = createLogger((r) => run.onLog(r), 'debug');
    run.runtime = await Runtime.create({ clock: run.clock, logger, maxThreads: 1 });
    const block = await checkBlock(path.join(BLOCKS, `${name}.yaml`));
    // Graphs render once at the first sample and once at stop; a long re-render interval keeps ticks quick.
    const inputData = { args: [], interval: String(STEP), datadir: run.dir, graph_interval: '3600', ...params };
    const { pipeData } = await run.runtime.run(block, { inputData });
    run.first = pipeData;
    return run;
  }

  /** Every sample written so far (optionally at one time), in order. */
  samples(timeSec?: number): Sample[] {
    return this.records
      .filter((r) => r.msg === 'sample written')
      .map((r) => {
        const f = r.fields as { file: string; time: number; values: Record<string, number | null> };
        return { file: path.basename(f.file), time: f.time, values: f.values };
      })
      .filter((s) => timeSec === undefined || s.time === timeSec);
  }

  /** The sample of `file` at `timeSec`. */
  sample(file: string, timeSec: number): Sample {
    const s = this.samples(timeSec).find((x) => x.file === file);
    if (!s) throw new Error(`no sample of ${file} at ${timeSec}; have ${JSON.stringify(this.samples().map((x) => [x.file, x.time]))}`);
    return s;
  }

  /**
   * Run the next tick and wait until it has written `files` (default: every file the previous
   * tick wrote). Returns the tick's time in epoch seconds.
   */
  async tick(files?: readonly string[]): Promise<number> {
    const previous = this.clock.now() / 1000;
    const expected = files ?? this.samples(previous).map((s) => s.file);
    const errorsBefore = this.errors().length;
    await this.clock.advance(STEP * 1000);
    const time = this.clock.now() / 1000;
    const done = (): boolean => {
      const failed = this.errors().slice(errorsBefore);
      if (failed.length > 0) throw new Error(`the tick at ${time} failed: ${JSON.stringify(failed)}`);
      return expected.every((f) => this.samples(time).some((s) => s.file === f));
    };
    while (!done()) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return time;
  }

  /** Stop the runtime (pending samples and graphs written, files closed). Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.runtime.stop('test finished');
  }

  /** The row of `file` for the step ending at `endSec` (AVERAGE, 1-s archive): DS name → value (NaN unknown). */
  async row(file: string, endSec: number): Promise<Record<string, number>> {
    const rrd = await RrdFile.open(path.join(this.dir, file));
    try {
      const f = rrd.fetch({ cf: 'AVERAGE', start: endSec - STEP, end: endSec });
      const i = Math.round((endSec - f.start) / f.step) - 1;
      return Object.fromEntries(f.dsNames.map((n, k) => [n, (f.columns[k] as Float64Array)[i] as number]));
    } finally {
      await rrd.close();
    }
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private errors(): LogRecord[] {
    return this.records.filter((r) => r.level === 'error');
  }

  private onLog(r: LogRecord): void {
    this.records.push(r);
    for (const w of this.waiters.splice(0)) w();
  }
}
