/**
 * The runtime's metrics in the Prometheus text format (SPEC §9), rendered by prom-client's
 * Registry. Metric names (`promtool check metrics` clean):
 *
 *   procblock_field_value{block,thread,field[,entry]}         gauge: last value of each collected or derived field
 *   procblock_run_thread_runs_total{block,thread}              counter: completed ticks
 *   procblock_run_thread_errors_total{block,thread}            counter: failed ticks
 *   procblock_run_thread_skipped_total{block,thread}           counter: ticks skipped (previous still running)
 *   procblock_run_thread_lateness_seconds{block,thread}        histogram: tick start − its ideal time
 *   procblock_alerts{block,thread,alertname,alertstate}        gauge: 1 per pending or firing alert (as Prometheus's ALERTS)
 *   procblock_alert_value{block,thread,alertname}              gauge: each alert's value at its last evaluation
 *   procblock_unidist_value{counter}                           gauge: unidist counters (a gauge: they can go down;
 *                                                              promtool refuses 'counter' in a gauge's name)
 *
 * A field value that is not a number (text, missing) is NaN. Per-thread series are entries
 * updated in place after each tick (entry-metric.ts); alerts and unidist counters are read at
 * scrape time. One instance per runtime; dropSTAR serves the same `render()` at its `/metrics`.
 */
import promClient from 'prom-client';
import type { RunThreadStatus } from '../schedule/types.js';
import { sampleNumber } from '../windows/sample-number.js';
import { EntryMetric, type MetricEntry } from './entry-metric.js';

const { Registry } = promClient;

export const LATENESS_BUCKETS: readonly number[] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];

export interface MetricsThreadInfo {
  readonly block: string;
  readonly thread: string;
  /** Fields whose last value is exported (collected and derived ones). */
  readonly fields: readonly string[];
  /** `timeseries collect` `key:`: the fields are per entry of this result mapping. */
  readonly key?: string | undefined;
}

export interface AlertMetricsView {
  readonly block: string | undefined;
  readonly thread: string;
  readonly alert: string;
  readonly state: 'ok' | 'pending' | 'firing' | 'resolved';
  readonly value: number;
}

export interface MetricsSources {
  alerts(): readonly AlertMetricsView[];
  /** unidist counters; a failure renders no counter series (and is logged by the caller). */
  counters(): Promise<Record<string, number>>;
}

export interface ThreadMetrics {
  ticked(fields: Readonly<Record<string, unknown>>, status: RunThreadStatus, latenessS: number | undefined): void;
  failed(status: RunThreadStatus, latenessS: number | undefined): void;
}

export class RuntimeMetrics {
  readonly registry = new Registry();
  private readonly fieldValue = new EntryMetric('procblock_field_value', 'Last value of a collected or derived field of a RunThread (NaN when not a number).', 'gauge');
  private readonly runs = new EntryMetric('procblock_run_thread_runs_total', 'Completed ticks of a RunThread.', 'counter');
  private readonly errors = new EntryMetric('procblock_run_thread_errors_total', 'Failed ticks of a RunThread.', 'counter');
  private readonly skipped = new EntryMetric('procblock_run_thread_skipped_total', 'Ticks of a RunThread skipped because the previous one was still running.', 'counter');
  private readonly lateness = new EntryMetric('procblock_run_thread_lateness_seconds', 'How late a RunThread tick started after its ideal time.', 'histogram');
  private readonly alertState = new EntryMetric('procblock_alerts', 'Pending and firing alerts (1 each), like Prometheus ALERTS.', 'gauge');
  private readonly alertValue = new EntryMetric('procblock_alert_value', 'Value of an alert at its last evaluation (NaN when unknown).', 'gauge');
  private readonly counters = new EntryMetric('procblock_unidist_value', 'Value of a unidist counter (label counter).', 'gauge');

  constructor(private readonly sources: MetricsSources) {
    for (const m of [this.fieldValue, this.runs, this.errors, this.skipped, this.lateness, this.alertState, this.alertValue, this.counters]) {
      this.registry.registerMetric(m as unknown as promClient.Metric);
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Series of one RunThread; the handle is called after each of its ticks. */
  thread(info: MetricsThreadInfo): ThreadMetrics {
    const base = { block: info.block, thread: info.thread };
    const runs = this.runs.add({ labels: base, value: 0 });
    const errors = this.errors.add({ labels: base, value: 0 });
    const skipped = this.skipped.add({ labels: base, value: 0 });
    const histogram = new LatenessHistogram(this.lateness, base);
    const fieldEntries = info.key === undefined ? info.fields.map((field) => this.fieldValue.add({ labels: { ...base, field }, value: NaN })) : [];
    const keyed = new Map<string, MetricEntry>();
    const counts = (status: RunThreadStatus): void => {
      runs.value = status.runs;
      errors.value = status.errors;
      skipped.value = status.skipped;
    };
    return {
      ticked: (fields, status, latenessS) => {
        counts(status);
        if (latenessS !== undefined) histogram.observe(latenessS);
        if (info.key === undefined) {
          for (let i = 0; i < fieldEntries.length; i++) (fieldEntries[i] as MetricEntry).value = sampleNumber(fields[info.fields[i] as string]);
          return;
        }
        const map = fields[info.key];
        if (map === null || typeof map !== 'object' || Array.isArray(map)) return;
        for (const [entry, values] of Object.entries(map as Record<string, unknown>)) {
          if (values === null || typeof values !== 'object') continue;
          for (const field of info.fields) {
            const id = `${entry}\u0000${field}`;
            let e = keyed.get(id);
            if (!e) keyed.set(id, (e = this.fieldValue.add({ labels: { ...base, field, entry }, value: NaN })));
            e.value = sampleNumber((values as Record<string, unknown>)[field]);
          }
        }
      },
      failed: (status, latenessS) => {
        counts(status);
        if (latenessS !== undefined) histogram.observe(latenessS);
      },
    };
  }

  /** The text format of every metric (alerts and counters read now). */
  async render(): Promise<string> {
    this.refreshAlerts();
    await this.refreshCounters();
    return this.registry.metrics();
  }

  private refreshAlerts(): void {
    const states: MetricEntry[] = [];
    const values: MetricEntry[] = [];
    for (const a of this.sources.alerts()) {
      const base = { block: a.block ?? '', thread: a.thread, alertname: a.alert };
      values.push({ labels: base, value: a.value });
      if (a.state === 'pending' || a.state === 'firing') states.push({ labels: { ...base, alertstate: a.state }, value: 1 });
    }
    this.alertState.entries = states;
    this.alertValue.entries = values;
  }

  private async refreshCounters(): Promise<void> {
    let all: Record<string, number>;
    try {
      all = await this.sources.counters();
    } catch {
      all = {};
    }
    this.counters.entries = Object.entries(all).map(([counter, value]) => ({ labels: { counter }, value }));
  }
}

/** A cumulative histogram as entries: one per bucket (`le`), `+Inf`, `_sum`, `_count`. */
class LatenessHistogram {
  private readonly buckets: MetricEntry[];
  private readonly sum: MetricEntry;
  private readonly count: MetricEntry;

  constructor(family: EntryMetric, labels: Readonly<Record<string, string>>) {
    const bucketName = `${family.name}_bucket`;
    this.buckets = [...LATENESS_BUCKETS.map(String), '+Inf'].map((le) => family.add({ metricName: bucketName, labels: { le, ...labels }, value: 0 }));
    this.sum = family.add({ metricName: `${family.name}_sum`, labels, value: 0 });
    this.count = family.add({ metricName: `${family.name}_count`, labels, value: 0 });
  }

  observe(seconds: number): void {
    const v = Math.max(0, seconds);
    for (let i = 0; i < LATENESS_BUCKETS.length; i++) if (v <= (LATENESS_BUCKETS[i] as number)) (this.buckets[i] as MetricEntry).value++;
    (this.buckets[LATENESS_BUCKETS.length] as MetricEntry).value++;
    this.sum.value += v;
    this.count.value++;
  }
}
