/**
 * What evaluation reads: recent samples of a series (a RunThread's tick results, or the rows of
 * a round-robin file), newest last. Implemented by the runtime's windows (src/windows/).
 */

/**
 * How `rate()` reads a field (docs/alerts.md, "rate"):
 * - `counter`: readings of a counter; a decrease is a reset (the counter restarted from 0);
 * - `gauge`: readings whose signed change is the rate (GAUGE and DERIVE fields);
 * - `absolute`: each reading is the count since the previous one (ABSOLUTE fields);
 * - `per-second`: values that already are rates (rows of a counter's round-robin file).
 */
export type RateKind = 'counter' | 'gauge' | 'absolute' | 'per-second';

export interface SeriesView {
  /** Samples held, oldest first. */
  readonly length: number;
  /** Nominal time between samples, ms (for staleness of `last`). */
  readonly intervalMs: number;
  /** Epoch ms of sample `i` (0 = oldest). Non-decreasing in `i`. */
  time(i: number): number;
  /** Column of a field, or -1 when the series does not track it. */
  column(field: string): number;
  /** Value of `column` at sample `i`; NaN = unknown. */
  value(column: number, i: number): number;
  rateKind(column: number): RateKind;
}

export interface EvalContext {
  /** Evaluation time, epoch ms: the tick's time. */
  readonly now: number;
  /** The series of a thread; `undefined` asks for the expression's own series. */
  series(thread: string | undefined): SeriesView | undefined;
}
