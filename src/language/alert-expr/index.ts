/**
 * The window expression language of alerts and derived series (SPEC §9): parse once at load,
 * compile, evaluate after each tick against the series the runtime keeps. Pure.
 */
export { parseAlertExpression, MAX_WINDOW_SAMPLES } from './parse.js';
export { compileCondition, compileExpression, isTrue, range } from './compile.js';
export type { CompiledCondition, CompiledExpression } from './compile.js';
export { seriesNeeds, valueExpression } from './analyze.js';
export { AlertExprSyntaxError } from './syntax-error.js';
export { durationSeconds, durationTextSeconds } from './duration.js';
export type { EvalContext, RateKind, SeriesView } from './series.js';
export type { AlertExpression, Expr, FieldRef, SeriesNeed, Window, WindowFunction } from './types.js';
export { WINDOW_FUNCTIONS } from './types.js';
