/**
 * What a running block is doing, as plain data: read by the TTY status line and the periodic
 * status log lines (src/cli/run-feedback.ts), written to the status file (status-file.ts) and
 * shown by `procblock status`. The live counts of a RunThread plus what its time series did.
 */

export interface ThreadSnapshot {
  readonly id: string;
  readonly script: string;
  readonly intervalSeconds: number;
  readonly running: boolean;
  /** Completed ticks (successful or failed). */
  readonly runs: number;
  readonly errors: number;
  /** Ticks skipped because the previous one was still running. */
  readonly skipped: number;
  /** Cluster-safe threads (`singleton:`/`lock:`): slots another process ran. */
  readonly ranElsewhere: number;
  /** Epoch seconds of the last tick's start. */
  readonly lastStart?: number | undefined;
  /** Seconds the last tick took. */
  readonly lastDuration?: number | undefined;
  readonly lastError?: string | undefined;
  /** Samples written to its time-series files (0 without `timeseries collect`). */
  readonly samples: number;
  /** Graph renders. */
  readonly renders: number;
  /** Epoch seconds of the last sample written. */
  readonly lastSample?: number | undefined;
}

export type RuntimeState = 'starting' | 'running' | 'stopping' | 'stopped';

/** An alert of a RunThread (SPEC §9; docs/alerts.md). */
export interface AlertSnapshotView {
  readonly thread: string;
  readonly alert: string;
  readonly state: 'ok' | 'pending' | 'firing' | 'resolved';
  /** Epoch seconds when the current state began (0: never left ok). */
  readonly since: number;
  /** The alert's value at its last evaluation; null when unknown. */
  readonly value: number | null;
}

export interface RuntimeSnapshot {
  readonly state: RuntimeState;
  readonly threads: readonly ThreadSnapshot[];
  /** Every alert of the running RunThreads (absent before the first RunThread started). */
  readonly alerts?: readonly AlertSnapshotView[] | undefined;
}

export interface SnapshotTotals {
  readonly threads: number;
  readonly runs: number;
  readonly errors: number;
  readonly skipped: number;
  readonly samples: number;
  readonly renders: number;
  /** Epoch seconds of the newest sample of any thread. */
  readonly lastSample: number | undefined;
}

export function totalsOf(threads: readonly ThreadSnapshot[]): SnapshotTotals {
  let runs = 0;
  let errors = 0;
  let skipped = 0;
  let samples = 0;
  let renders = 0;
  let lastSample: number | undefined;
  for (const t of threads) {
    runs += t.runs;
    errors += t.errors;
    skipped += t.skipped;
    samples += t.samples;
    renders += t.renders;
    if (t.lastSample !== undefined && (lastSample === undefined || t.lastSample > lastSample)) lastSample = t.lastSample;
  }
  return { threads: threads.length, runs, errors, skipped, samples, renders, lastSample };
}
