/** Malformed expressions: each is PB_ERR_EXPRESSION_SYNTAX with the column of the problem. */
import { describe, expect, it } from 'vitest';
import { AlertExprSyntaxError, parseAlertExpression, seriesNeeds, valueExpression } from '../../../src/language/alert-expr/index.js';

function syntaxError(text: string): AlertExprSyntaxError {
  try {
    parseAlertExpression(text);
  } catch (e) {
    if (e instanceof AlertExprSyntaxError) return e;
    throw e;
  }
  throw new Error(`parsed: ${text}`);
}

describe('malformed expressions', () => {
  it.each([
    ['', 1],
    ['   ', 1],
    ['pct(ms < 200) < 80', 13], // no window
    ['avg(ms, 20)', 9], // a bare number is not a window
    ['avg(ms, last 0)', 14],
    ['avg(ms, last 2.5)', 14],
    ['avg(ms, last)', 13],
    ['avg(ms, last 100001)', 14],
    ['avg(ms, 0s)', 9],
    ['avg(ms, 5x)', 9],
    ['avg(ms, soon)', 9],
    ['foo(ms, 5m)', 1], // unknown function
    ['avg(max(ms, 5m), 5m)', 5], // nested window functions
    ['avg(a.x + b.y, 5m)', 5], // two series in one window
    ['rate(ms * 2, 5m)', 6], // rate takes a field
    ['last(ms, 5)', 8],
    ['last 5', 1],
    ['avg(, 5m)', 5],
    ['avg()', 5],
    ['avg(ms 5m)', 8],
    ['avg(ms, 5m', 11],
    ['ms >', 5], // where the operand is missing
    ['ms > 1 > 2', 8], // comparisons do not chain
    ['ms > 1 and', 11],
    ['and ms > 1', 1],
    ['not', 4],
    ['ms && ok', 4],
    ['ms || ok', 4],
    ['!ok', 1],
    ['ms = 1', 4],
    ['ms => 1', 4],
    ["ms == 'x'", 7],
    ['(ms > 1', 8],
    ['ms > 1)', 7],
    ['5m > 1', 1], // a duration is only a window
    ['a..b', 3],
    ['a.b.c', 4],
    ['a.', 3],
    ['ms > 1 ok', 8],
    ['1e', 1],
    ['ms ? 1', 4],
    ['`web', 1],
    ['``.ms', 1],
    ['ms + * 2', 6],
  ])('%j → column %d', (text, column) => {
    const e = syntaxError(text);
    expect(e.code).toBe('PB_ERR_EXPRESSION_SYNTAX');
    expect(e.column).toBe(column);
    expect(e.message).toContain(`column ${column}`);
  });
});

describe('well-formed expressions', () => {
  it('reports what each series needs (fields and window sizes)', () => {
    const e = parseAlertExpression('pct(ms < 200, last 20) < 80 and avg(db.lag, 5m) > last(db.lag) or rate(req, 1h30m) > 1');
    const needs = seriesNeeds(e.root);
    expect(needs).toEqual(
      expect.arrayContaining([
        { thread: undefined, fields: expect.arrayContaining(['ms', 'req']), samples: 20, seconds: 5400 },
        { thread: 'db', fields: ['lag'], samples: 1, seconds: 300 },
      ]),
    );
    expect(needs).toHaveLength(2);
  });

  it('windows are durations of the one grammar: mo (30 days) and y (365 days) too, m is minutes', () => {
    const seconds = (text: string): number | undefined => seriesNeeds(parseAlertExpression(text).root)[0]?.seconds;
    expect(seconds('avg(x, 1mo) > 1')).toBe(2_592_000);
    expect(seconds('max(x, 1y) > 1')).toBe(31_536_000);
    expect(seconds('avg(x, 1m) > 1')).toBe(60);
  });

  it('the reported value is the left side of the last comparison', () => {
    const v = valueExpression(parseAlertExpression('pct(ms < 200, last 20) < 80').root);
    expect(v).toMatchObject({ kind: 'call', fn: 'pct' });
    expect(valueExpression(parseAlertExpression('not (ms > 5) and x').root)).toMatchObject({ kind: 'call', fn: 'last', arg: { kind: 'field', ref: { field: 'ms' } } });
    expect(valueExpression(parseAlertExpression('avg(ms, 5m)').root)).toMatchObject({ kind: 'call', fn: 'avg' });
    expect(valueExpression(parseAlertExpression('count(ms >= 0, last 20) >= 10 and pct(ms < 200, last 20) < 80').root)).toMatchObject({ kind: 'call', fn: 'pct' });
  });

  it('names may be quoted with backquotes; keywords are words only', () => {
    expect(() => parseAlertExpression('`web-check`.ms > 1 and `and` == 2')).not.toThrow();
    expect(() => parseAlertExpression('last > 1')).not.toThrow(); // a field named last
    expect(() => parseAlertExpression('orders > 1 and notes < 2')).not.toThrow();
  });
});
