/** What a parsed expression reads, and which part of it is "the value" an alert reports. */
import type { Expr, SeriesNeed } from './types.js';

/**
 * Per series (own = thread undefined): the fields read and how many samples / seconds of
 * history the windows need. `last(f)` needs one sample.
 */
export function seriesNeeds(root: Expr): SeriesNeed[] {
  const byThread = new Map<string | undefined, { fields: Set<string>; samples: number; seconds: number }>();
  const visit = (e: Expr, into: { fields: Set<string> } | undefined): void => {
    switch (e.kind) {
      case 'number':
        return;
      case 'field':
        into?.fields.add(e.ref.field);
        return;
      case 'negate':
      case 'not':
        return visit(e.arg, into);
      case 'binary':
        visit(e.left, into);
        visit(e.right, into);
        return;
      case 'call': {
        let need = byThread.get(e.thread);
        if (!need) byThread.set(e.thread, (need = { fields: new Set(), samples: 0, seconds: 0 }));
        if (e.window === undefined) need.samples = Math.max(need.samples, 1);
        else if (e.window.kind === 'samples') need.samples = Math.max(need.samples, e.window.count);
        else need.seconds = Math.max(need.seconds, e.window.seconds);
        visit(e.arg, need);
        return;
      }
    }
  };
  visit(root, undefined);
  return [...byThread].map(([thread, n]) => ({ thread, fields: [...n.fields], samples: n.samples, seconds: n.seconds }));
}

/**
 * The part of an alert's condition whose value is reported (`alert.value`) when the alert does
 * not say `value:`: the left side of the last comparison met left to right outside window
 * functions (`pct(...)` in `count(ms >= 0, last 20) >= 10 and pct(ms < 200, last 20) < 80`: a
 * guard usually comes first), or the whole expression when it has no comparison.
 */
export function valueExpression(root: Expr): Expr {
  const find = (e: Expr): Expr | undefined => {
    if (e.kind === 'binary') {
      if (e.op === 'and' || e.op === 'or') return find(e.right) ?? find(e.left);
      if (['<', '<=', '>', '>=', '==', '!='].includes(e.op)) return e.left;
      return undefined;
    }
    if (e.kind === 'not') return find(e.arg);
    return undefined;
  };
  return find(root) ?? root;
}
