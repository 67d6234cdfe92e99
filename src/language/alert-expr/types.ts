/**
 * The window expression language of alerts and derived series (SPEC §9) as data. Parsing
 * produces these values once (at load); `compile` turns them into closures evaluated after
 * every tick. See docs/alerts.md for the semantics.
 */

/** The window functions. `last` takes no window; the others need one. */
export type WindowFunction = 'last' | 'avg' | 'min' | 'max' | 'sum' | 'rate' | 'count' | 'pct';

export const WINDOW_FUNCTIONS: readonly WindowFunction[] = ['last', 'avg', 'min', 'max', 'sum', 'rate', 'count', 'pct'];

/** `last N` (the N newest samples) or a duration (samples newer than now − seconds). */
export type Window = { readonly kind: 'samples'; readonly count: number } | { readonly kind: 'duration'; readonly seconds: number };

export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%';
export type ComparisonOperator = '<' | '<=' | '>' | '>=' | '==' | '!=';
export type LogicalOperator = 'and' | 'or';
export type BinaryOperator = ArithmeticOperator | ComparisonOperator | LogicalOperator;

/**
 * A field of a series. `thread` undefined = the series the expression belongs to (the alert's
 * RunThread); otherwise another RunThread (or a derive source) by name.
 */
export interface FieldRef {
  readonly thread: string | undefined;
  readonly field: string;
}

export type Expr =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'field'; readonly ref: FieldRef; readonly column: number }
  | { readonly kind: 'negate'; readonly arg: Expr }
  | { readonly kind: 'not'; readonly arg: Expr }
  | { readonly kind: 'binary'; readonly op: BinaryOperator; readonly left: Expr; readonly right: Expr }
  | {
      readonly kind: 'call';
      readonly fn: WindowFunction;
      /** Evaluated on each sample of the window (fields only of `thread`; no nested calls). */
      readonly arg: Expr;
      /** The series the window reads (undefined = own). */
      readonly thread: string | undefined;
      /** Undefined only for `last`. */
      readonly window: Window | undefined;
      readonly column: number;
    };

/** A parsed expression and the text it came from. */
export interface AlertExpression {
  readonly text: string;
  readonly root: Expr;
}

/** What one expression needs from the series it reads: sized windows per series. */
export interface SeriesNeed {
  /** undefined = own series. */
  readonly thread: string | undefined;
  readonly fields: readonly string[];
  /** Most samples a `last N` window asks for (1 for `last(f)`). */
  readonly samples: number;
  /** Longest duration window, seconds (0 when none). */
  readonly seconds: number;
}
