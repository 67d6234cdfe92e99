import { compileExpression, parseAlertExpression, type EvalContext, type RateKind } from '../../../src/language/alert-expr/index.js';
import { SampleWindow } from '../../../src/windows/sample-window.js';

export const T0 = Date.UTC(2026, 0, 1);

/** A real window holding `rows` (time offset in s → field values; NaN = unknown). */
export function series(intervalS: number, fields: Record<string, RateKind>, rows: [number, Record<string, number>][]): SampleWindow {
  const w = new SampleWindow(Math.max(1, rows.length), intervalS * 1000);
  for (const [f, kind] of Object.entries(fields)) w.addField(f, kind);
  for (const [t, values] of rows) w.push(T0 + t * 1000, (f) => values[f] ?? NaN);
  return w;
}

/** Evaluate `text` at `nowS` (seconds after T0) with `own` as the own series and `others` by name. */
export function evaluate(text: string, nowS: number, own: SampleWindow | undefined, others: Record<string, SampleWindow> = {}): number {
  const f = compileExpression(parseAlertExpression(text).root);
  const ctx: EvalContext = { now: T0 + nowS * 1000, series: (t) => (t === undefined ? own : others[t]) };
  return f(ctx);
}
