/**
 * Every window function and window form against hand-computed values, with unknown samples,
 * gaps, staleness and counter resets (semantics: docs/alerts.md). Series are real windows
 * (src/windows/sample-window.ts).
 */
import { describe, expect, it } from 'vitest';
import { evaluate, series } from './helpers.js';

const U = NaN;
// Five checks 5 s apart; the third one produced no ms (unknown).
const web = series(5, { ms: 'gauge', ok: 'gauge' }, [
  [0, { ms: 100, ok: 1 }],
  [5, { ms: 300, ok: 1 }],
  [10, { ms: U, ok: 0 }],
  [15, { ms: 150, ok: 1 }],
  [20, { ms: 260, ok: 1 }],
]);
const at = (text: string, nowS = 20): number => evaluate(text, nowS, web);

describe('window functions over `last N`', () => {
  it.each([
    ['last(ms)', 260],
    ['ms', 260], // a bare field is its newest value
    ['avg(ms, last 5)', (100 + 300 + 150 + 260) / 4],
    ['avg(ms, last 3)', (150 + 260) / 2], // the unknown sample is skipped
    ['avg(ms, last 50)', (100 + 300 + 150 + 260) / 4], // fewer samples than asked: all of them
    ['min(ms, last 5)', 100],
    ['max(ms, last 5)', 300],
    ['max(ms, last 2)', 260],
    ['sum(ms, last 5)', 810],
    ['count(ms < 200, last 5)', 2],
    ['count(ok == 0, last 5)', 1],
    ['pct(ms < 200, last 5)', 50], // 2 of the 4 known samples
    ['pct(ms < 200, last 1)', 0],
    ['pct(ok == 1, last 5)', 80],
    ['count(true, last 5)', 5], // samples in the window, known or not
    ['avg(ms / 1000, last 2)', 0.205], // per-sample arithmetic
    ['avg(ms > 200, last 5)', 0.5], // a condition is 1/0
  ])('%s = %d', (text, expected) => {
    expect(at(text)).toBeCloseTo(expected, 10);
  });

  it('the last sample unknown: last() is unknown, a window over it alone too, count() is 0', () => {
    const w = series(5, { ms: 'gauge' }, [
      [0, { ms: 10 }],
      [5, { ms: U }],
    ]);
    expect(evaluate('last(ms)', 5, w)).toBeNaN();
    expect(evaluate('avg(ms, last 1)', 5, w)).toBeNaN();
    expect(evaluate('pct(ms < 20, last 1)', 5, w)).toBeNaN();
    expect(evaluate('count(ms < 20, last 1)', 5, w)).toBe(0);
    expect(evaluate('sum(ms, last 1)', 5, w)).toBeNaN();
    expect(evaluate('avg(ms, last 2)', 5, w)).toBe(10);
  });
});

describe('duration windows', () => {
  it.each([
    // now = 20 s: a 10 s window holds samples newer than 10 s (15 and 20; 10 is its edge)
    ['avg(ms, 10s)', 20, (150 + 260) / 2],
    ['avg(ms, 5500ms)', 20, (150 + 260) / 2], // the project's duration grammar, ms included
    ['avg(ms, 0.25m)', 20, (150 + 260) / 2], // 15 s: the sample at 5 s is the window's edge
    ['avg(ms, 11s)', 20, (150 + 260) / 2], // the sample at 10 s is unknown
    ['avg(ms, 16s)', 20, (300 + 150 + 260) / 3],
    ['avg(ms, 1m)', 20, 810 / 4],
    ['count(ms >= 0, 1m)', 20, 4],
    ['pct(ms < 200, 30s)', 20, 50],
    ['max(ms, 5s)', 20, 260],
    // Evaluated later, older samples leave the window: at 32 s a 15 s window holds only 20 s.
    ['avg(ms, 15s)', 32, 260],
    ['avg(ms, 10s)', 32, NaN],
    ['count(true, 10s)', 32, 0],
  ])('%s at %ds = %d', (text, nowS, expected) => {
    const v = at(text, nowS);
    if (Number.isNaN(expected)) expect(v).toBeNaN();
    else expect(v).toBeCloseTo(expected, 10);
  });

  it('a gap (no samples while the process was down) is invisible to `last N` and empties duration windows', () => {
    const w = series(5, { ms: 'gauge' }, [
      [0, { ms: 100 }],
      [5, { ms: 200 }],
      [3600, { ms: 400 }], // one hour later
    ]);
    expect(evaluate('avg(ms, last 3)', 3600, w)).toBeCloseTo(700 / 3, 10);
    expect(evaluate('avg(ms, 5m)', 3600, w)).toBe(400);
    expect(evaluate('count(true, 2h)', 3600, w)).toBe(3);
  });

  it('staleness: the newest sample older than two intervals has no current value', () => {
    expect(at('last(ms)', 30)).toBe(260); // 10 s = two intervals: still current
    expect(at('last(ms)', 30.001)).toBeNaN();
    expect(at('ms > 0', 31)).toBeNaN();
    expect(at('avg(ms, last 2)', 31)).toBe(205); // `last N` windows do not go stale
  });
});

describe('rate()', () => {
  it('counter: increase over the window / seconds, a decrease counts as a reset to 0', () => {
    // 100 → 110 → 130 → (restart) 5 → 25 over 40 s: 10 + 20 + 5 + 20 = 55
    const c = series(10, { req: 'counter' }, [
      [0, { req: 100 }],
      [10, { req: 110 }],
      [20, { req: 130 }],
      [30, { req: 5 }],
      [40, { req: 25 }],
    ]);
    expect(evaluate('rate(req, last 5)', 40, c)).toBeCloseTo(55 / 40, 12);
    expect(evaluate('rate(req, 25s)', 40, c)).toBeCloseTo((5 + 20) / 20, 12); // 20 s..40 s: 130 → 5 → 25
    expect(evaluate('rate(req, last 2)', 40, c)).toBeCloseTo(20 / 10, 12);
  });

  it('counter: unknown readings are spanned; fewer than two known is unknown', () => {
    const c = series(10, { req: 'counter' }, [
      [0, { req: 100 }],
      [10, { req: U }],
      [20, { req: 130 }],
      [30, { req: U }],
    ]);
    expect(evaluate('rate(req, last 4)', 30, c)).toBeCloseTo(30 / 20, 12);
    expect(evaluate('rate(req, last 2)', 30, c)).toBeNaN(); // only 130 is known
    expect(evaluate('rate(req, 5s)', 30, c)).toBeNaN(); // nothing known
  });

  it('gauge/derive: signed change; absolute: the sum of the later readings; per-second rows: their mean', () => {
    const g = series(10, { temp: 'gauge', hits: 'absolute', rps: 'per-second' }, [
      [0, { temp: 10, hits: 3, rps: 2 }],
      [10, { temp: 20, hits: 4, rps: U }],
      [20, { temp: 5, hits: 5, rps: 4 }],
    ]);
    expect(evaluate('rate(temp, last 3)', 20, g)).toBeCloseTo(-5 / 20, 12);
    expect(evaluate('rate(hits, last 3)', 20, g)).toBeCloseTo(9 / 20, 12);
    expect(evaluate('rate(rps, last 3)', 20, g)).toBeCloseTo(3, 12);
  });

  it('a field the series does not track, or a missing series, is unknown', () => {
    expect(at('rate(nope, last 5)')).toBeNaN();
    expect(at('avg(nope, last 5)')).toBeNaN();
    expect(evaluate('last(ms)', 20, undefined)).toBeNaN();
  });
});

describe('arithmetic, comparisons and three-valued logic', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 - 4 - 3', 3],
    ['-2 * -3', 6],
    ['7 % 4', 3],
    ['8 / 2 / 2', 2],
    ['1 / 0', NaN],
    ['1 % 0', NaN],
    ['1e308 * 10', NaN],
    ['1 < 2', 1],
    ['2 <= 2', 1],
    ['3 == 3.0', 1],
    ['3 != 3', 0],
    ['1 < 2 and 2 < 3', 1],
    ['1 > 2 or 2 < 3', 1],
    ['not 1 > 2', 1],
    ['not 0', 1],
    ['not 5', 0],
    ['true and false', 0],
    // unknown (a division by zero) through the logic
    ['1/0 > 1', NaN],
    ['1/0 > 1 and 1 > 2', 0],
    ['1/0 > 1 and 1 < 2', NaN],
    ['1/0 > 1 or 1 < 2', 1],
    ['1/0 > 1 or 1 > 2', NaN],
    ['not (1/0 > 1)', NaN],
    ['-(1/0)', NaN],
  ])('%s = %d', (text, expected) => {
    const v = evaluate(text, 0, undefined);
    if (Number.isNaN(expected)) expect(v).toBeNaN();
    else expect(v).toBe(expected);
  });

  it('an unknown field makes a comparison unknown', () => {
    const w = series(5, { ms: 'gauge' }, [[0, { ms: U }]]);
    expect(evaluate('ms > 100', 0, w)).toBeNaN();
    expect(evaluate('ms > 100 or 1 == 1', 0, w)).toBe(1);
  });
});

describe('other threads as thread.field', () => {
  it('reads the named series; windows of different series combine outside the functions', () => {
    const db = series(10, { lag: 'gauge' }, [
      [0, { lag: 4 }],
      [10, { lag: 8 }],
    ]);
    const others = { db, '`odd-name`': db, 'odd-name': db };
    expect(evaluate('db.lag', 12, web, others)).toBe(8);
    expect(evaluate('avg(db.lag, last 2) + last(ms)', 20, web, others)).toBe(6 + 260);
    expect(evaluate('`odd-name`.lag', 12, web, others)).toBe(8);
    expect(evaluate('max(db.lag * 2, 1m) > 10 and ms > 200', 20, web, others)).toBe(1);
    expect(evaluate('nothere.lag', 12, web, others)).toBeNaN();
  });
});
