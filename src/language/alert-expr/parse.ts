/**
 * Parse an alert / derive expression (`pct(ms < 200, last 20) < 80`) into an `AlertExpression`.
 * Pure; a malformed expression throws `AlertExprSyntaxError` (PB_ERR_EXPRESSION_SYNTAX) naming
 * the column, what is wrong and what would be right.
 *
 * Grammar, lowest precedence first (comparisons do not chain):
 *   or      := and ('or' and)*
 *   and     := not ('and' not)*
 *   not     := 'not' not | cmp
 *   cmp     := sum (('<'|'<='|'>'|'>='|'=='|'!=') sum)?
 *   sum     := product (('+'|'-') product)*
 *   product := unary (('*'|'/'|'%') unary)*
 *   unary   := '-' unary | primary
 *   primary := NUMBER | 'true' | 'false' | '(' or ')' | FN '(' or [',' window] ')' | name ['.' name]
 *   window  := 'last' INTEGER | DURATION
 *
 * Choices (docs/alerts.md): a bare field outside a window function means `last(field)`; the
 * argument of a window function is evaluated per sample, may not contain another window
 * function, and reads one series only; `rate` takes a field, not an expression.
 */
import { AlertExprSyntaxError } from './syntax-error.js';
import { tokenize, type Token } from './tokenize.js';
import type { AlertExpression, BinaryOperator, Expr, FieldRef, Window, WindowFunction } from './types.js';
import { WINDOW_FUNCTIONS } from './types.js';

const COMPARISONS = ['<', '<=', '>', '>=', '==', '!='];
const KEYWORDS = new Set(['and', 'or', 'not', 'true', 'false']);
/** More samples than this in one `last N` window is refused (memory is bounded). */
export const MAX_WINDOW_SAMPLES = 100_000;

export function parseAlertExpression(text: string): AlertExpression {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new AlertExprSyntaxError(String(text ?? ''), 0, 'the expression is empty', "write e.g. 'pct(ms < 200, last 20) < 80'");
  }
  return { text, root: new Parser(text, tokenize(text)).parse() };
}

class Parser {
  private i = 0;
  /** Set while parsing the argument of a window function. */
  private inWindowArg: { fn: WindowFunction; threads: Set<string | undefined> } | undefined;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  parse(): Expr {
    const e = this.or();
    const t = this.peek();
    if (t.kind !== 'end') {
      this.fail(t.pos, `unexpected '${t.text}'`, t.text === ')' ? "this ')' closes nothing" : 'join conditions with and / or, and operands with an operator');
    }
    return e;
  }

  private peek(): Token {
    return this.tokens[this.i] as Token;
  }

  private next(): Token {
    return this.tokens[this.i++] as Token;
  }

  private isOp(text: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === text;
  }

  private isWord(word: string): boolean {
    const t = this.peek();
    return t.kind === 'name' && !t.quoted && t.text === word;
  }

  private expectOp(text: string, right: string): Token {
    const t = this.peek();
    if (t.kind !== 'op' || t.text !== text) this.fail(t.pos, t.kind === 'end' ? `missing '${text}' at the end` : `expected '${text}', found '${t.text}'`, right);
    return this.next();
  }

  private or(): Expr {
    let left = this.and();
    while (this.isWord('or')) {
      this.next();
      left = { kind: 'binary', op: 'or', left, right: this.operand(() => this.and(), 'or') };
    }
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.isWord('and')) {
      this.next();
      left = { kind: 'binary', op: 'and', left, right: this.operand(() => this.not(), 'and') };
    }
    return left;
  }

  private not(): Expr {
    if (this.isWord('not')) {
      this.next();
      return { kind: 'not', arg: this.operand(() => this.not(), 'not') };
    }
    return this.comparison();
  }

  private comparison(): Expr {
    const left = this.sum();
    const t = this.peek();
    if (t.kind === 'op' && COMPARISONS.includes(t.text)) {
      this.next();
      const right = this.operand(() => this.sum(), t.text);
      const again = this.peek();
      if (again.kind === 'op' && COMPARISONS.includes(again.text)) {
        this.fail(again.pos, 'comparisons do not chain', `write 'a < b and b < c'`);
      }
      return { kind: 'binary', op: t.text as BinaryOperator, left, right };
    }
    return left;
  }

  private sum(): Expr {
    let left = this.product();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().text as BinaryOperator;
      left = { kind: 'binary', op, left, right: this.operand(() => this.product(), op) };
    }
    return left;
  }

  private product(): Expr {
    let left = this.unary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = this.next().text as BinaryOperator;
      left = { kind: 'binary', op, left, right: this.operand(() => this.unary(), op) };
    }
    return left;
  }

  private unary(): Expr {
    if (this.isOp('-')) {
      this.next();
      return { kind: 'negate', arg: this.operand(() => this.unary(), '-') };
    }
    return this.primary();
  }

  /** The right side of an operator, with a clear message when it is missing. */
  private operand(parse: () => Expr, after: string): Expr {
    const t = this.peek();
    if (t.kind === 'end') this.fail(t.pos, `'${after}' has nothing after it`, `write an operand after '${after}'`);
    if (t.kind === 'op' && t.text !== '(' && t.text !== '-') {
      this.fail(t.pos, `'${after}' is followed by '${t.text}'`, `write an operand after '${after}'`);
    }
    return parse();
  }

  private primary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'number':
        return { kind: 'number', value: t.value };
      case 'duration':
        return this.fail(t.pos, `a duration (${t.text}) is only a window`, `use it as the window of a function, e.g. avg(ms, ${t.text})`);
      case 'end':
        return this.fail(t.pos, 'the expression ends where an operand should be', 'complete it');
      case 'op':
        if (t.text === '(') {
          const e = this.or();
          this.expectOp(')', "close the '('");
          return e;
        }
        return this.fail(t.pos, `unexpected '${t.text}'`, 'an operand goes here: a number, a field, or a function such as avg(ms, 5m)');
      case 'name':
        return this.name(t);
    }
  }

  private name(t: Extract<Token, { kind: 'name' }>): Expr {
    if (!t.quoted) {
      if (t.text === 'true') return { kind: 'number', value: 1 };
      if (t.text === 'false') return { kind: 'number', value: 0 };
      if (KEYWORDS.has(t.text)) return this.fail(t.pos, `'${t.text}' needs an operand before it`, `write e.g. 'a > 1 ${t.text} b < 2'`);
      if (this.isOp('(')) return this.call(t);
    }
    let ref: FieldRef = { thread: undefined, field: t.text };
    if (this.isOp('.')) {
      this.next();
      const f = this.next();
      if (f.kind !== 'name') this.fail(f.pos, `'${t.text}.' must be followed by a field name`, `write '${t.text}.<field>', e.g. ${t.text}.ms`);
      ref = { thread: t.text, field: (f as Extract<Token, { kind: 'name' }>).text };
      if (this.isOp('.')) this.fail(this.peek().pos, 'a field reference is thread.field (one dot)', 'quote names that contain dots with backquotes');
    } else if (!t.quoted && t.text === 'last' && (this.peek().kind === 'number' || this.peek().kind === 'duration')) {
      return this.fail(t.pos, "'last N' is a window", 'use it inside a window function, e.g. avg(ms, last 20); the newest value is last(ms)');
    }
    const field: Expr = { kind: 'field', ref, column: t.pos + 1 };
    if (this.inWindowArg) {
      this.inWindowArg.threads.add(ref.thread);
      return field;
    }
    // Outside a window function a field means its newest value.
    return { kind: 'call', fn: 'last', arg: field, thread: ref.thread, window: undefined, column: t.pos + 1 };
  }

  private call(t: Extract<Token, { kind: 'name' }>): Expr {
    const fn = t.text as WindowFunction;
    if (!WINDOW_FUNCTIONS.includes(fn)) {
      this.fail(t.pos, `unknown function '${t.text}'`, `known: ${WINDOW_FUNCTIONS.map((f) => `${f}()`).join(', ')}`);
    }
    if (this.inWindowArg) this.fail(t.pos, `window functions do not nest ('${t.text}' inside '${this.inWindowArg.fn}')`, 'the argument is computed per sample from fields; derive a series to aggregate twice');
    this.expectOp('(', `write '${fn}(...)'`);
    const scope = { fn, threads: new Set<string | undefined>() };
    this.inWindowArg = scope;
    const argTok = this.peek();
    let arg: Expr;
    try {
      if (argTok.kind === 'op' && argTok.text === ')') this.fail(argTok.pos, `${fn}() needs an argument`, usage(fn));
      arg = this.or();
    } finally {
      this.inWindowArg = undefined;
    }
    if (scope.threads.size > 1) {
      const names = [...scope.threads].map((x) => x ?? '(this thread)').join(', ');
      this.fail(argTok.pos, `${fn}() reads fields of several series (${names})`, 'one window reads one series; combine windows outside: avg(a.x, 5m) + avg(b.y, 5m)');
    }
    if (fn === 'rate' && arg.kind !== 'field') this.fail(argTok.pos, 'rate() takes a field, not an expression', usage(fn));
    let window: Window | undefined;
    if (fn === 'last') {
      if (this.isOp(',')) this.fail(this.peek().pos, 'last() takes one argument (the newest sample)', "for a window use avg/min/max/sum/count/pct, e.g. max(ms, last 5)");
    } else {
      if (!this.isOp(',')) {
        const p = this.peek();
        this.fail(p.pos, `${fn}() needs a window`, usage(fn));
      }
      this.next();
      window = this.window(fn);
    }
    this.expectOp(')', `close ${fn}(...)`);
    const thread = [...scope.threads][0];
    return { kind: 'call', fn, arg, thread, window, column: t.pos + 1 };
  }

  private window(fn: WindowFunction): Window {
    const t = this.next();
    if (t.kind === 'duration') {
      if (!(t.seconds > 0)) this.fail(t.pos, 'a duration window must be longer than 0', 'e.g. 5m');
      return { kind: 'duration', seconds: t.seconds };
    }
    if (t.kind === 'name' && !t.quoted && t.text === 'last') {
      const n = this.next();
      if (n.kind !== 'number' || !Number.isInteger(n.value) || n.value < 1) {
        this.fail(n.pos, `'last' takes a whole number of samples ≥ 1${n.kind === 'end' ? '' : `, found '${n.text}'`}`, `e.g. ${fn}(ms, last 20)`);
      }
      const count = (n as Extract<Token, { kind: 'number' }>).value;
      if (count > MAX_WINDOW_SAMPLES) this.fail(n.pos, `last ${count} keeps more than ${MAX_WINDOW_SAMPLES} samples`, 'use a duration window on a derived, coarser series');
      return { kind: 'samples', count };
    }
    if (t.kind === 'number') return this.fail(t.pos, `a bare number (${t.text}) is not a window`, `write 'last ${t.text}' for samples or '${t.text}s' for seconds`);
    return this.fail(t.pos, t.kind === 'end' ? 'the window is missing' : `'${t.text}' is not a window`, usage(fn));
  }

  private fail(pos: number, what: string, right: string): never {
    throw new AlertExprSyntaxError(this.text, pos, what, right);
  }
}

function usage(fn: WindowFunction): string {
  switch (fn) {
    case 'last':
      return 'write last(ms)';
    case 'count':
    case 'pct':
      return `write ${fn}(<condition>, last N) or ${fn}(<condition>, <duration>), e.g. ${fn}(ms < 200, last 20)`;
    case 'rate':
      return 'write rate(<field>, <duration>) or rate(<field>, last N), e.g. rate(requests, 5m)';
    default:
      return `write ${fn}(<field or expression>, last N) or ${fn}(..., <duration>), e.g. ${fn}(ms, 5m)`;
  }
}
