import { InputError } from '../../core/errors.js';

/**
 * A malformed alert or derive expression: PB_ERR_EXPRESSION_SYNTAX, saying what is wrong, where
 * (`column`, 1-based within the expression text) and what would be right.
 */
export class AlertExprSyntaxError extends InputError {
  readonly column: number;
  constructor(text: string, pos: number, what: string, right: string) {
    super('PB_ERR_EXPRESSION_SYNTAX', `malformed expression '${text.trim()}' (column ${pos + 1}): ${what}; ${right}`);
    this.name = 'AlertExprSyntaxError';
    this.column = pos + 1;
  }
}
