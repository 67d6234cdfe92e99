/** The condition language (SPEC §2.2): parse once, evaluate against pipe data. Pure. */
export { parseCondition, ConditionSyntaxError } from './parse.js';
export { evaluateCondition, looselyEqual } from './evaluate.js';
export { resolvePath } from './path.js';
export type { Condition, Operand, Operator, BinaryOperator, UnaryOperator, PathSegment } from './types.js';
export { OPERATORS } from './types.js';
