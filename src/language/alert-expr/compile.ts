/**
 * Compile a parsed expression into a closure evaluated after every tick. Pure; values are
 * numbers with NaN for "unknown", booleans are 1/0 (three-valued logic, docs/alerts.md):
 * - arithmetic with an unknown operand is unknown; division or remainder by 0 is unknown; a
 *   non-finite result is unknown;
 * - a comparison with an unknown operand is unknown;
 * - `a and b` is false when either is false, else unknown when either is unknown;
 *   `a or b` is true when either is true, else unknown when either is unknown; `not` keeps unknown;
 * - a number used as a condition is true when it is not 0.
 */
import type { EvalContext, SeriesView } from './series.js';
import type { BinaryOperator, Expr, Window } from './types.js';
import { rateOf } from './rate.js';

/** A compiled expression: the value at `ctx.now`, NaN when unknown. */
export type CompiledExpression = (ctx: EvalContext) => number;

/** `x` is the evaluation context at top level, or the window's series inside a window function. */
type Fn<X> = (x: X, i: number) => number;

export function compileExpression(root: Expr): CompiledExpression {
  const f = compileTop(root);
  return (ctx) => f(ctx, 0);
}

/** An alert condition and its reported value, computed together into `out`. */
export type CompiledCondition = (ctx: EvalContext, out: { when: number; value: number }) => void;

/**
 * Compile an alert's `when` with the value it reports (`value`, else `valueExpression(when)`).
 * When the value is the left side of `when`'s own comparison (the usual `pct(...) < 80`), it is
 * computed once for both.
 */
export function compileCondition(when: Expr, value: Expr): CompiledCondition {
  if (when.kind === 'binary' && when.left === value && ['<', '<=', '>', '>=', '==', '!='].includes(when.op)) {
    const left = compileTop(when.left);
    const right = compileTop(when.right);
    const test = binary<number>(when.op, (a) => a, (_a, b) => b);
    return (ctx, out) => {
      const l = left(ctx, 0);
      out.value = l;
      out.when = test(l, right(ctx, 0));
    };
  }
  const w = compileTop(when);
  const v = compileTop(value);
  return (ctx, out) => {
    out.when = w(ctx, 0);
    out.value = v(ctx, 0);
  };
}

/** Is a compiled value a true condition? (unknown and 0 are not) */
export function isTrue(v: number): boolean {
  return v !== 0 && !Number.isNaN(v);
}

function compileTop(e: Expr): Fn<EvalContext> {
  switch (e.kind) {
    case 'number': {
      const v = e.value;
      return () => v;
    }
    case 'field':
      // The parser wraps every field outside a window function in last(); kept total anyway.
      return compileTop({ kind: 'call', fn: 'last', arg: e, thread: e.ref.thread, window: undefined, column: e.column });
    case 'negate': {
      const a = compileTop(e.arg);
      return (x, i) => -a(x, i);
    }
    case 'not':
      return not(compileTop(e.arg));
    case 'binary':
      return binary(e.op, compileTop(e.left), compileTop(e.right));
    case 'call':
      return compileCall(e);
  }
}

function compileSample(e: Expr): Fn<SeriesView> {
  switch (e.kind) {
    case 'number': {
      const v = e.value;
      return () => v;
    }
    case 'field': {
      const name = e.ref.field;
      // The column is looked up once per series object (series are long-lived).
      let seen: SeriesView | undefined;
      let col = -1;
      return (view, i) => {
        if (view !== seen) {
          seen = view;
          col = view.column(name);
        }
        return col < 0 ? NaN : view.value(col, i);
      };
    }
    case 'negate': {
      const a = compileSample(e.arg);
      return (x, i) => -a(x, i);
    }
    case 'not':
      return not(compileSample(e.arg));
    case 'binary':
      return fieldComparison(e) ?? binary(e.op, compileSample(e.left), compileSample(e.right));
    case 'call':
      // The parser refuses nested window functions.
      throw new Error(`internal: window function ${e.fn} inside a window`);
  }
}

function compileCall(e: Extract<Expr, { kind: 'call' }>): Fn<EvalContext> {
  const thread = e.thread;
  const window = e.window;
  if (e.fn === 'rate') {
    const field = (e.arg as Extract<Expr, { kind: 'field' }>).ref.field;
    return (ctx) => {
      const view = ctx.series(thread);
      if (!view) return NaN;
      const col = view.column(field);
      if (col < 0) return NaN;
      const to = rangeEnd(view, ctx.now);
      return rateOf(view, col, rangeStart(view, window as Window, ctx.now, to), to);
    };
  }
  const arg = compileSample(e.arg);
  switch (e.fn) {
    case 'last':
      return (ctx) => {
        const view = ctx.series(thread);
        if (!view || view.length === 0) return NaN;
        const newest = view.length - 1;
        // A series that stopped ticking has no current value (docs/alerts.md, "staleness").
        if (view.time(newest) < ctx.now - 2 * view.intervalMs) return NaN;
        return arg(view, newest);
      };
    case 'avg':
    case 'sum':
      return aggregate(thread, window as Window, (view, from, to) => {
        let total = 0;
        let n = 0;
        for (let i = from; i < to; i++) {
          const v = arg(view, i);
          if (v === v) {
            total += v;
            n++;
          }
        }
        return n === 0 ? NaN : e.fn === 'avg' ? total / n : total;
      });
    case 'min':
    case 'max': {
      const sign = e.fn === 'min' ? 1 : -1;
      return aggregate(thread, window as Window, (view, from, to) => {
        let best = Infinity;
        for (let i = from; i < to; i++) {
          const v = arg(view, i) * sign;
          if (v < best) best = v;
        }
        return best === Infinity ? NaN : best * sign;
      });
    }
    case 'count':
    case 'pct':
      return aggregate(thread, window as Window, (view, from, to) => {
        let yes = 0;
        let known = 0;
        for (let i = from; i < to; i++) {
          const v = arg(view, i);
          if (v === v) {
            known++;
            if (v !== 0) yes++;
          }
        }
        if (e.fn === 'count') return yes;
        return known === 0 ? NaN : (100 * yes) / known;
      });
  }
}

function aggregate(thread: string | undefined, window: Window, over: (view: SeriesView, from: number, to: number) => number): Fn<EvalContext> {
  return (ctx) => {
    const view = ctx.series(thread);
    if (!view) return NaN;
    const to = rangeEnd(view, ctx.now);
    return over(view, rangeStart(view, window, ctx.now, to), to);
  };
}

/** Sample indexes [from, to) of a window at `now`: the N newest, or those newer than now − d. */
export function range(view: SeriesView, window: Window, now: number): [number, number] {
  const to = rangeEnd(view, now);
  return [rangeStart(view, window, now, to), to];
}

/** End (exclusive) of every window at `now`: samples after `now` (none in normal operation) are in none. */
function rangeEnd(view: SeriesView, now: number): number {
  let to = view.length;
  while (to > 0 && view.time(to - 1) > now) to--;
  return to;
}

function rangeStart(view: SeriesView, window: Window, now: number, to: number): number {
  if (window.kind === 'samples') return Math.max(0, to - window.count);
  const after = now - window.seconds * 1000;
  let lo = 0;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (view.time(mid) > after) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function not<X>(a: Fn<X>): Fn<X> {
  return (x, i) => {
    const v = a(x, i);
    return v !== v ? NaN : v === 0 ? 1 : 0;
  };
}

function finite(v: number): number {
  return v === Infinity || v === -Infinity ? NaN : v;
}

function binary<X>(op: BinaryOperator, l: Fn<X>, r: Fn<X>): Fn<X> {
  switch (op) {
    case '+':
      return (x, i) => finite(l(x, i) + r(x, i));
    case '-':
      return (x, i) => finite(l(x, i) - r(x, i));
    case '*':
      return (x, i) => finite(l(x, i) * r(x, i));
    case '/':
      return (x, i) => {
        const d = r(x, i);
        return d === 0 ? NaN : finite(l(x, i) / d);
      };
    case '%':
      return (x, i) => {
        const d = r(x, i);
        return d === 0 ? NaN : l(x, i) % d;
      };
    case '<':
      return compare(l, r, (a, b) => a < b);
    case '<=':
      return compare(l, r, (a, b) => a <= b);
    case '>':
      return compare(l, r, (a, b) => a > b);
    case '>=':
      return compare(l, r, (a, b) => a >= b);
    case '==':
      return compare(l, r, (a, b) => a === b);
    case '!=':
      return compare(l, r, (a, b) => a !== b);
    case 'and':
      return (x, i) => {
        const a = l(x, i);
        if (a === 0) return 0;
        const b = r(x, i);
        if (b === 0) return 0;
        return a !== a || b !== b ? NaN : 1;
      };
    case 'or':
      return (x, i) => {
        const a = l(x, i);
        if (a === a && a !== 0) return 1;
        const b = r(x, i);
        if (b === b && b !== 0) return 1;
        return a !== a || b !== b ? NaN : 0;
      };
  }
}

function compare<X>(l: Fn<X>, r: Fn<X>, test: (a: number, b: number) => boolean): Fn<X> {
  return (x, i) => {
    const a = l(x, i);
    const b = r(x, i);
    return a !== a || b !== b ? NaN : test(a, b) ? 1 : 0;
  };
}

/** `field < 200` and the like, the usual per-sample condition, as one closure (it runs per sample). */
function fieldComparison(e: Extract<Expr, { kind: 'binary' }>): Fn<SeriesView> | undefined {
  if (e.left.kind !== 'field' || e.right.kind !== 'number') return undefined;
  const name = e.left.ref.field;
  const c = e.right.value;
  let seen: SeriesView | undefined;
  let col = -1;
  const read = (view: SeriesView, i: number): number => {
    if (view !== seen) {
      seen = view;
      col = view.column(name);
    }
    return col < 0 ? NaN : view.value(col, i);
  };
  switch (e.op) {
    case '<':
      return (x, i) => {
        const v = read(x, i);
        return v !== v ? NaN : v < c ? 1 : 0;
      };
    case '<=':
      return (x, i) => {
        const v = read(x, i);
        return v !== v ? NaN : v <= c ? 1 : 0;
      };
    case '>':
      return (x, i) => {
        const v = read(x, i);
        return v !== v ? NaN : v > c ? 1 : 0;
      };
    case '>=':
      return (x, i) => {
        const v = read(x, i);
        return v !== v ? NaN : v >= c ? 1 : 0;
      };
    case '==':
      return (x, i) => {
        const v = read(x, i);
        return v !== v ? NaN : v === c ? 1 : 0;
      };
    case '!=':
      return (x, i) => {
        const v = read(x, i);
        return v !== v ? NaN : v !== c ? 1 : 0;
      };
    default:
      return undefined;
  }
}
