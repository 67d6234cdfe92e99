/**
 * `rate(field, W)`: per-second increase over the window's known samples (docs/alerts.md):
 * the increase from the first to the last known sample divided by the seconds between them.
 * Fewer than two known samples, or no time between them, is unknown. Unknown samples in between
 * are skipped (the increase spans them). No extrapolation to the window's edges.
 */
import type { SeriesView } from './series.js';

export function rateOf(view: SeriesView, col: number, from: number, to: number): number {
  const kind = view.rateKind(col);
  if (kind === 'per-second') {
    // Rows of a counter's round-robin file already are per-second rates: their mean.
    let total = 0;
    let n = 0;
    for (let i = from; i < to; i++) {
      const v = view.value(col, i);
      if (v === v) {
        total += v;
        n++;
      }
    }
    return n === 0 ? NaN : total / n;
  }
  let first = -1;
  let prev = NaN;
  let last = -1;
  let increase = 0;
  for (let i = from; i < to; i++) {
    const v = view.value(col, i);
    if (v !== v) continue;
    if (first < 0) first = i;
    else if (kind === 'counter') increase += v >= prev ? v - prev : v; // a decrease is a reset to 0
    else if (kind === 'absolute') increase += v;
    else increase += v - prev;
    prev = v;
    last = i;
  }
  if (first < 0 || last === first) return NaN;
  const seconds = (view.time(last) - view.time(first)) / 1000;
  return seconds > 0 ? increase / seconds : NaN;
}
