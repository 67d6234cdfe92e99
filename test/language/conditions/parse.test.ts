import { describe, expect, it } from 'vitest';
import { ConditionSyntaxError, parseCondition } from '../../../src/language/conditions/index.js';

describe('parseCondition: well-formed', () => {
  const cases: [string, unknown][] = [
    ['host == "web1"', { op: '==', left: { kind: 'path', segments: [{ kind: 'key', key: 'host' }] }, right: { kind: 'literal', value: 'web1' } }],
    ["a!='x y'", { op: '!=', left: { kind: 'path' }, right: { kind: 'literal', value: 'x y' } }],
    ['level > 5', { op: '>', right: { kind: 'literal', value: 5 } }],
    ['level>=-2.5', { op: '>=', right: { kind: 'literal', value: -2.5 } }],
    ['level <= 1e3', { op: '<=', right: { kind: 'literal', value: 1000 } }],
    ['level < x', { op: '<', right: { kind: 'path' } }],
    ['host in web_hosts', { op: 'in' }],
    ['host not   in web_hosts', { op: 'not in' }],
    ['hosts has "a"', { op: 'has' }],
    ['hosts hasno "a"', { op: 'hasno' }],
    ['queue is empty', { op: 'is empty', left: { kind: 'path' } }],
    ['queue is not empty', { op: 'is not empty' }],
    ['flag == true', { right: { kind: 'literal', value: true } }],
    ['flag == false', { right: { kind: 'literal', value: false } }],
    ['x == null', { right: { kind: 'literal', value: null } }],
    ['"web1" in hosts', { left: { kind: 'literal', value: 'web1' } }],
    ['s == "say \\"hi\\""', { right: { kind: 'literal', value: 'say "hi"' } }],
    ["s == 'it\\'s'", { right: { kind: 'literal', value: "it's" } }],
    ['s == "a\\nb"', { right: { kind: 'literal', value: 'a\nb' } }],
    ['x.items.-1 == 3', { left: { segments: [{ key: 'x' }, { key: 'items' }, { key: '-1' }] } }],
    [
      'hosts.(current).ip == "10.0.0.1"',
      { left: { segments: [{ key: 'hosts' }, { kind: 'ref', path: [{ kind: 'key', key: 'current' }] }, { key: 'ip' }] } },
    ],
    ['a.(b.(c)).d is empty', { left: { segments: [{ key: 'a' }, { kind: 'ref', path: [{ key: 'b' }, { kind: 'ref', path: [{ key: 'c' }] }] }, { key: 'd' }] } }],
    ['inside in in', { op: 'in', left: { segments: [{ key: 'inside' }] }, right: { segments: [{ key: 'in' }] } }],
    ['  padded == 1  ', { op: '==', text: 'padded == 1' }],
  ];
  it.each(cases)('%s', (text, shape) => {
    expect(parseCondition(text)).toMatchObject(shape as object);
  });
});

describe('parseCondition: malformed → PB_ERR_CONDITION_SYNTAX', () => {
  const cases: [string, RegExp][] = [
    ['', /empty/],
    ['x', /no operator/],
    ['x = 1', /unknown operator '='; use '=='/],
    ['x >> 5', /unknown operator '>>'/],
    ['x => 5', /use '>='/],
    ['x <> 5', /use '!='/],
    ['x === 5', /use '=='/],
    ['x ~ 1', /unknown operator '~'/],
    ['x like 1', /unknown operator 'like'/],
    ['x ==', /no right side/],
    ['x == "abc', /unbalanced quote/],
    ["x == 'abc", /unbalanced quote/],
    ['x == 1 2', /unexpected '2'/],
    ['x is empty now', /takes no right side/],
    ['hosts.(current.ip == 1', /unbalanced '\('/],
    ['hosts.current).ip == 1', /unbalanced '\)'/],
    ['a..b == 1', /empty key/],
    ['a. == 1', /empty key/],
    ['a.() == 1', /empty key/],
    ['a.(b)c == 1', /expected '\.'/],
    ['== 1', /missing left side/],
  ];
  it.each(cases)('%j', (text, message) => {
    let err: unknown;
    try {
      parseCondition(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConditionSyntaxError);
    const e = err as ConditionSyntaxError;
    expect(e.code).toBe('PB_ERR_CONDITION_SYNTAX');
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(message);
    expect(e.column).toBeGreaterThanOrEqual(1);
  });

  it('reports the column of the problem', () => {
    try {
      parseCondition('x == "abc');
      expect.unreachable();
    } catch (e) {
      expect((e as ConditionSyntaxError).column).toBe(6);
    }
  });
});
