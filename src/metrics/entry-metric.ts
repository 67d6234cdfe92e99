/**
 * A metric family whose series are long-lived entries updated in place (`entry.value = v`), for
 * prom-client's Registry: it renders them like its own metrics (same text, same code), but a tick
 * costs one assignment instead of hashing a label set, and a scrape copies no maps. prom-client
 * asks a registered metric only for `name`, `type`, `help` and `get()`.
 */

export interface MetricEntry {
  readonly labels: Readonly<Record<string, string>>;
  value: number;
  /** For histogram lines: `<name>_bucket`, `_sum`, `_count`. */
  readonly metricName?: string | undefined;
}

export type MetricType = 'gauge' | 'counter' | 'histogram';

export class EntryMetric {
  /** Entries in render order. */
  entries: MetricEntry[] = [];
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: MetricType,
  ) {}

  add(entry: MetricEntry): MetricEntry {
    this.entries.push(entry);
    return entry;
  }

  /** Remove the entries `drop` says (a stopped thread, an alert back to ok). */
  removeWhere(drop: (e: MetricEntry) => boolean): void {
    this.entries = this.entries.filter((e) => !drop(e));
  }

  get(): { name: string; help: string; type: MetricType; values: MetricEntry[]; aggregator: string } {
    return { name: this.name, help: this.help, type: this.type, values: this.entries, aggregator: this.aggregator };
  }
}
