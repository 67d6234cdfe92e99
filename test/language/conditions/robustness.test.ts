import { describe, expect, it } from 'vitest';
import { ConditionSyntaxError, evaluateCondition, parseCondition } from '../../../src/language/conditions/index.js';

/** Small deterministic PRNG (mulberry32) so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['a', 'b.c', '0', '-1', '1.5', '"x"', "'y'", '"', "'", '\\', '(', ')', '.', ' ', '  ', '==', '!=', '<', '>', '<=', '>=', '=', '!', 'in', 'not', 'has', 'hasno', 'is', 'empty', 'true', 'null', 'hosts.(cur).ip', '((', '))'];
const PIPE = { a: 1, b: { c: [1, 2] }, hosts: { web: { ip: 'x' } }, cur: 'web', x: 'x' };

describe('parseCondition on arbitrary text', () => {
  it('either parses (and then evaluates without throwing) or throws ConditionSyntaxError', () => {
    const next = rng(20100818);
    let parsed = 0;
    for (let i = 0; i < 5000; i++) {
      const n = 1 + Math.floor(next() * 6);
      let text = '';
      for (let j = 0; j < n; j++) text += PIECES[Math.floor(next() * PIECES.length)];
      try {
        const c = parseCondition(text);
        parsed++;
        expect(typeof evaluateCondition(c, PIPE)).toBe('boolean');
      } catch (e) {
        if (!(e instanceof ConditionSyntaxError)) throw new Error(`parseCondition(${JSON.stringify(text)}) threw ${String(e)}`);
        expect(e.code).toBe('PB_ERR_CONDITION_SYNTAX');
        expect(e.column).toBeGreaterThanOrEqual(1);
        expect(e.column).toBeLessThanOrEqual(text.length + 1);
      }
    }
    expect(parsed).toBeGreaterThan(50); // the generator does produce valid conditions too
  });
});
