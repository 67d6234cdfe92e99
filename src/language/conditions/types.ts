/**
 * The condition language of `if`/`elif` tags (SPEC §2.2) as data: parsing produces these
 * values once, evaluation walks them against pipe data.
 */

/** One step of a path: a literal key/index, or `(path)` whose value becomes the key. */
export type PathSegment =
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'ref'; readonly path: readonly PathSegment[] };

export type Operand =
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null; readonly text: string }
  | { readonly kind: 'path'; readonly segments: readonly PathSegment[]; readonly text: string };

export type BinaryOperator = '==' | '!=' | '<' | '>' | '<=' | '>=' | 'in' | 'not in' | 'has' | 'hasno';
export type UnaryOperator = 'is empty' | 'is not empty';
export type Operator = BinaryOperator | UnaryOperator;

export type Condition =
  | { readonly op: BinaryOperator; readonly left: Operand; readonly right: Operand; readonly text: string }
  | { readonly op: UnaryOperator; readonly left: Operand; readonly text: string };

export const OPERATORS: readonly Operator[] = [
  '==', '!=', '<', '>', '<=', '>=', 'in', 'not in', 'has', 'hasno', 'is empty', 'is not empty',
];
