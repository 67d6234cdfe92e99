/**
 * Parse condition text (`host == "web1"`, `x.items.-1 in hosts.(current).names`,
 * `queue is empty`) into a `Condition`. Pure; a malformed condition throws
 * `PB_ERR_CONDITION_SYNTAX` saying what is wrong, where (column in the text) and what would be right.
 *
 * Choices where the spec is silent:
 * - Symbol operators need no surrounding spaces (`a==1`); word operators (`in`, `has`, ...) do.
 * - A bare token that is a whole number/decimal (`7`, `-2.5`, `1e3`) is a number literal;
 *   `true`/`false`/`null` are literals; everything else unquoted is a path.
 * - Escapes in quoted strings: `\\`, `\"`, `\'`, `\n`, `\t`; any other `\x` keeps `x`.
 */
import { InputError } from '../../core/errors.js';
import type { BinaryOperator, Condition, Operand, PathSegment, UnaryOperator } from './types.js';
import { OPERATORS } from './types.js';

const NUMBER_RE = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const SYMBOL_OPS: readonly BinaryOperator[] = ['==', '!=', '<=', '>=', '<', '>'];
/** Longest first, so `not in` wins over a path named `not`, `hasno` over `has`. */
const WORD_OPS: readonly { words: readonly string[]; op: BinaryOperator | UnaryOperator }[] = [
  { words: ['is', 'not', 'empty'], op: 'is not empty' },
  { words: ['is', 'empty'], op: 'is empty' },
  { words: ['not', 'in'], op: 'not in' },
  { words: ['hasno'], op: 'hasno' },
  { words: ['has'], op: 'has' },
  { words: ['in'], op: 'in' },
];
const OPERATOR_LIST = OPERATORS.join(', ');
/** Characters that end an unquoted operand (outside parentheses). */
const STOP_CHARS = new Set(['=', '!', '<', '>', ' ', '\t', '\n', '\r']);

export function parseCondition(text: string): Condition {
  return new ConditionParser(text).parse();
}

class ConditionParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parse(): Condition {
    this.skipSpace();
    if (this.pos >= this.text.length) {
      this.fail('the condition is empty', `write '<left> <operator> <right>', e.g. 'host == "web1"'`);
    }
    const left = this.operand('left side');
    this.skipSpace();
    if (this.pos >= this.text.length) {
      this.fail(`'${left.text}' has no operator`, `add one of ${OPERATOR_LIST}, e.g. '${left.text} is not empty'`);
    }
    const op = this.operator();
    const text = this.text.trim();
    if (op === 'is empty' || op === 'is not empty') {
      this.skipSpace();
      if (this.pos < this.text.length) {
        this.fail(`unexpected '${this.text.slice(this.pos)}' after '${op}'`, `'${op}' takes no right side`);
      }
      return { op, left, text };
    }
    this.skipSpace();
    if (this.pos >= this.text.length) {
      this.fail(`operator '${op}' has no right side`, `write '${left.text} ${op} <value or path>'`);
    }
    const right = this.operand('right side');
    this.skipSpace();
    if (this.pos < this.text.length) {
      this.fail(
        `unexpected '${this.text.slice(this.pos)}' after '${right.text}'`,
        'a condition is one comparison; quote values that contain spaces',
      );
    }
    return { op, left, right, text };
  }

  private operator(): BinaryOperator | UnaryOperator {
    // The whole run of operator characters, so `>>` or `=<` is reported as such.
    const symbols = /^[=!<>]+/.exec(this.text.slice(this.pos))?.[0];
    if (symbols !== undefined) {
      const op = SYMBOL_OPS.find((o) => o === symbols);
      if (op) {
        this.pos += op.length;
        return op;
      }
      const fix: Record<string, string> = { '=': '==', '===': '==', '=<': '<=', '=>': '>=', '<>': '!=', '!==': '!=' };
      const hint = fix[symbols] ? `use '${fix[symbols]}'` : `expected one of ${OPERATOR_LIST}`;
      return this.fail(`unknown operator '${symbols}'`, hint);
    }
    const rest = this.text.slice(this.pos);
    for (const { words, op } of WORD_OPS) {
      const m = new RegExp(`^${words.join('\\s+')}(?=\\s|$|["'])`).exec(rest);
      if (m) {
        this.pos += m[0].length;
        return op;
      }
    }
    const word = /^\S+/.exec(rest)?.[0] ?? rest;
    return this.fail(`unknown operator '${word}'`, `expected one of ${OPERATOR_LIST}`);
  }

  private operand(which: string): Operand {
    const c = this.text[this.pos];
    if (c === '"' || c === "'") return this.quoted(c);
    const start = this.pos;
    let depth = 0;
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos] as string;
      if (ch === '(') depth++;
      else if (ch === ')') {
        depth--;
        if (depth < 0) this.fail(`unbalanced ')' in '${this.text.slice(start, this.pos + 1)}'`, "every ')' closes a '(' of a path key");
      } else if (depth === 0 && STOP_CHARS.has(ch)) break;
      else if (depth > 0 && (ch === ' ' || ch === '\t')) {
        this.fail(`unbalanced '(' in '${this.text.slice(start, this.pos)}'`, "close it before the space: 'hosts.(current).ip'");
      }
      this.pos++;
    }
    const token = this.text.slice(start, this.pos);
    if (depth > 0) this.fail(`unbalanced '(' in '${token}'`, "close it: 'hosts.(current).ip'");
    if (token === '') {
      this.fail(`missing ${which} before '${this.text.slice(this.pos)}'`, `write '<left> <operator> <right>'`);
    }
    if (token === 'true') return { kind: 'literal', value: true, text: token };
    if (token === 'false') return { kind: 'literal', value: false, text: token };
    if (token === 'null') return { kind: 'literal', value: null, text: token };
    if (NUMBER_RE.test(token)) return { kind: 'literal', value: Number(token), text: token };
    return { kind: 'path', segments: this.pathSegments(token, start), text: token };
  }

  private quoted(quote: string): Operand {
    const start = this.pos;
    this.pos++;
    let value = '';
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos] as string;
      if (ch === '\\' && this.pos + 1 < this.text.length) {
        const next = this.text[this.pos + 1] as string;
        value += next === 'n' ? '\n' : next === 't' ? '\t' : next;
        this.pos += 2;
        continue;
      }
      if (ch === quote) {
        this.pos++;
        return { kind: 'literal', value, text: this.text.slice(start, this.pos) };
      }
      value += ch;
      this.pos++;
    }
    this.pos = start;
    return this.fail(`unbalanced quote: ${quote} is never closed`, `close the string: ${quote}${value}${quote}`);
  }

  /** `a.b.(c.d).0` → segments; `start` is the token's offset, for error columns. */
  private pathSegments(token: string, start: number): PathSegment[] {
    const segments: PathSegment[] = [];
    let i = 0;
    const expectSegment = (): void => {
      this.pos = start + i;
      this.fail(`empty key in path '${token}'`, "paths are keys separated by single dots: 'a.b.0'");
    };
    while (i <= token.length) {
      if (token[i] === '(') {
        let depth = 0;
        let j = i;
        for (; j < token.length; j++) {
          if (token[j] === '(') depth++;
          else if (token[j] === ')' && --depth === 0) break;
        }
        const inner = token.slice(i + 1, j);
        if (inner === '') expectSegment();
        segments.push({ kind: 'ref', path: this.pathSegments(inner, start + i + 1) });
        i = j + 1;
        if (i < token.length && token[i] !== '.') {
          this.pos = start + i;
          this.fail(`expected '.' after ')' in path '${token}'`, "write 'hosts.(current).ip'");
        }
      } else {
        let j = i;
        while (j < token.length && token[j] !== '.') {
          if (token[j] === '(' || token[j] === ')') {
            this.pos = start + j;
            this.fail(`'${token[j]}' inside a key in path '${token}'`, "'(path)' must be a whole segment: 'hosts.(current).ip'");
          }
          j++;
        }
        if (j === i) expectSegment();
        segments.push({ kind: 'key', key: token.slice(i, j) });
        i = j;
      }
      if (i >= token.length) break;
      i++; // the dot
      if (i >= token.length) expectSegment();
    }
    return segments;
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] as string)) this.pos++;
  }

  private fail(what: string, right: string): never {
    throw new ConditionSyntaxError(
      `malformed condition '${this.text.trim()}' (column ${this.pos + 1}): ${what}; ${right}`,
      this.pos + 1,
    );
  }
}

/** A malformed condition; `column` is 1-based within the condition text. */
export class ConditionSyntaxError extends InputError {
  readonly column: number;
  constructor(message: string, column: number) {
    super('PB_ERR_CONDITION_SYNTAX', message);
    this.name = 'ConditionSyntaxError';
    this.column = column;
  }
}
