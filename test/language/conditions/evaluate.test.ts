import { describe, expect, it } from 'vitest';
import { evaluateCondition, parseCondition } from '../../../src/language/conditions/index.js';

const pipe = {
  host: 'web1',
  level: '7',
  count: 12,
  zero: 0,
  flag: true,
  flagText: 'true',
  nothing: null,
  empty: '',
  emptyList: [],
  emptyMap: {},
  web_hosts: ['web1', 'web2'],
  ports: [80, 443],
  numbersAsText: ['80', '443'],
  hosts: { web1: { ip: '10.0.0.1' }, db1: { ip: '10.0.0.9' } },
  current: 'db1',
  pointer: 'current',
  x: { items: [1, 2, 3] },
  motd: 'hello world',
  list1: [1, { a: [2] }],
  list2: [1, { a: [2] }],
  map1: { a: 1, b: [1, 2] },
  map2: { b: [1, 2], a: 1 },
  version: '10',
  name: 'beta',
  idx: 1,
};

const table: [string, boolean][] = [
  // equality
  ['host == "web1"', true],
  ["host == 'web2'", false],
  ['host != "web2"', true],
  ['count == 12', true],
  ['count == "12"', true],
  ['level == 7', true],
  ['level == 7.0', true],
  ['flag == true', true],
  ['flagText == true', true],
  ['flag == "true"', true],
  ['flag == false', false],
  ['zero == false', false],
  ['list1 == list2', true],
  ['map1 == map2', true],
  ['list1 == map1', false],
  ['list1 != list2', false],
  // numeric vs lexical ordering
  ['level > 5', true],
  ['level < 10', true],
  ['version > 9', true],
  ['version > "9"', true],
  ['name > "alpha"', true],
  ['name < "alpha"', false],
  ['count >= 12', true],
  ['count <= 11', false],
  ['"abc" < "abd"', true],
  ['list1 < 3', false],
  ['count < nothing', false],
  // in / not in / has / hasno
  ['host in web_hosts', true],
  ['"db1" in web_hosts', false],
  ['"db1" not in web_hosts', true],
  ['80 in ports', true],
  ['"443" in ports', true],
  ['443 in numbersAsText', true],
  ['"db1" in hosts', true],
  ['"ip" in hosts', false],
  ['"world" in motd', true],
  ['"mars" in motd', false],
  ['web_hosts has "web2"', true],
  ['web_hosts hasno "web2"', false],
  ['hosts has current', true],
  ['motd has "lo w"', true],
  ['motd hasno "xyz"', true],
  ['host in missing', false],
  ['host not in missing', true],
  // paths
  ['x.items.0 == 1', true],
  ['x.items.-1 == 3', true],
  ['x.items.-3 == 1', true],
  ['x.items.-4 is empty', true],
  ['x.items.3 is empty', true],
  ['x.items.(idx) == 2', true],
  ['hosts.(current).ip == "10.0.0.9"', true],
  ['hosts.((pointer)).ip == "10.0.0.9"', true],
  ['hosts.(missing).ip is empty', true],
  ['hosts.web1.ip == "10.0.0.1"', true],
  ['host.length is empty', true],
  ['hosts.constructor is empty', true],
  // empty
  ['empty is empty', true],
  ['emptyList is empty', true],
  ['emptyMap is empty', true],
  ['zero is empty', false],
  ['zero is not empty', true],
  ['web_hosts is not empty', true],
  ['emptyList is not empty', false],
  // missing / null left side: everything false except `is empty`
  ['missing is empty', true],
  ['nothing is empty', true],
  ['missing is not empty', false],
  ['nothing is not empty', false],
  ['missing == null', false],
  ['nothing == null', false],
  ['missing != "x"', false],
  ['missing < 1', false],
  ['missing in web_hosts', false],
  ['missing not in web_hosts', false],
  ['missing has "a"', false],
  ['missing hasno "a"', false],
  ['null == null', false],
  // literal on the right being null
  ['host == null', false],
  ['host != null', true],
];

describe('evaluateCondition', () => {
  it.each(table)('%s → %s', (text, expected) => {
    expect(evaluateCondition(parseCondition(text), pipe)).toBe(expected);
  });

  it('works on non-object pipe data without throwing', () => {
    expect(evaluateCondition(parseCondition('a is empty'), undefined)).toBe(true);
    expect(evaluateCondition(parseCondition('a == 1'), 'text')).toBe(false);
  });

  it('does not mutate pipe data', () => {
    const data = { a: [1, 2], b: { c: 1 } };
    const before = JSON.stringify(data);
    evaluateCondition(parseCondition('a has 2'), data);
    evaluateCondition(parseCondition('b.c == 1'), data);
    expect(JSON.stringify(data)).toBe(before);
  });
});
