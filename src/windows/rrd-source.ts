/**
 * A round-robin file as a series (derive `sources:`, docs/alerts.md): its samples are the rows
 * of the finest archive (AVERAGE, one per step), newest last, ending at the last complete step.
 * GAUGE fields read as values; COUNTER/DERIVE/ABSOLUTE rows are per-second rates (rate() is
 * their mean). The file is read-only to us (often written by another process): opened with
 * `readOnly`, read again only when its size, mtime or inode changed, and closed at once.
 * A missing or unreadable file is an empty series (everything unknown), warned once.
 */
import { statSync } from 'node:fs';
import type { Logger } from '../core/logger.js';
import { MAX_WINDOW_SAMPLES, type RateKind, type SeriesView } from '../language/alert-expr/index.js';
import { RrdFile } from '../timeseries/rrd/rrd-file.js';
import type { FetchResult } from '../timeseries/rrd/types.js';

export class RrdSourceSeries implements SeriesView {
  private rows: FetchResult | undefined;
  /** Rows that end at or before the last complete step (fetch returns one more, still open). */
  private count = 0;
  private kinds: RateKind[] = [];
  private stamp = '';
  private warned = false;

  constructor(
    readonly file: string,
    /** The largest windows read: `last N` samples and a duration in seconds. */
    private readonly wanted: { readonly samples: number; readonly seconds: number },
    private readonly logger: Logger,
  ) {}

  get length(): number {
    return this.count;
  }

  get intervalMs(): number {
    return (this.rows?.step ?? 1) * 1000;
  }

  time(i: number): number {
    const r = this.rows as FetchResult;
    return (r.start + (i + 1) * r.step) * 1000;
  }

  column(field: string): number {
    return this.rows?.dsNames.indexOf(field) ?? -1;
  }

  value(column: number, i: number): number {
    return (this.rows?.columns[column]?.[i] as number | undefined) ?? NaN;
  }

  rateKind(column: number): RateKind {
    return this.kinds[column] ?? 'per-second';
  }

  /** Read the file again when it changed since the last read. */
  async refresh(): Promise<void> {
    let stamp: string;
    try {
      const st = statSync(this.file);
      stamp = `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch (e) {
      this.rows = undefined;
      this.count = 0;
      this.stamp = '';
      this.warnOnce(`derive source ${this.file} is not readable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); its fields are unknown`);
      return;
    }
    if (stamp === this.stamp) return;
    let rrd: RrdFile | undefined;
    try {
      rrd = await RrdFile.open(this.file, { readOnly: true });
      const step = rrd.definition.step;
      const end = Math.floor(rrd.lastUpdate() / step) * step;
      const rows = Math.min(MAX_WINDOW_SAMPLES, Math.max(2, this.wanted.samples, Math.ceil(this.wanted.seconds / step) + 1));
      this.rows = rrd.fetch({ cf: 'AVERAGE', start: end - rows * step, end, resolution: step });
      this.count = completeRows(this.rows, end);
      this.kinds = rrd.definition.ds.map((d) => (d.type === 'GAUGE' ? 'gauge' : 'per-second'));
      this.stamp = stamp;
      this.warned = false;
    } catch (e) {
      this.rows = undefined;
      this.count = 0;
      this.warnOnce(`derive source ${this.file} could not be read: ${(e as Error).message}; its fields are unknown`);
    } finally {
      await rrd?.close();
    }
  }

  private warnOnce(msg: string): void {
    if (this.warned) return;
    this.warned = true;
    this.logger.warn(msg);
  }
}

/** How many of the fetched rows end at or before `end` (epoch s). */
export function completeRows(f: FetchResult, end: number): number {
  let n = f.rows;
  while (n > 0 && f.start + n * f.step > end) n--;
  return n;
}
