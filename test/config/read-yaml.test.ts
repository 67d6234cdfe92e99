import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { parseYamlText } from '../../src/config/read-yaml.js';

describe('parseYamlText', () => {
  it('records the position of every key and list item', () => {
    const text = ['a: 1', 'b:', '  - x', '  - {y: 2, z: [3, 4]}', 'c:', '  d: e', ''].join('\n');
    const { data, positions } = parseYamlText(text, '/f.yaml');
    expect(data).toEqual({ a: 1, b: ['x', { y: 2, z: [3, 4] }], c: { d: 'e' } });
    const at = (p: (string | number)[]): unknown => {
      const pos = positions.get(p);
      return pos && [pos.line, pos.col];
    };
    expect(at(['a'])).toEqual([1, 1]);
    expect(at(['b', 0])).toEqual([3, 5]);
    expect(at(['b', 1])).toEqual([4, 5]);
    expect(at(['b', 1, 'z'])).toEqual([4, 12]);
    expect(at(['b', 1, 'z', 1])).toEqual([4, 19]);
    expect(at(['c', 'd'])).toEqual([6, 3]);
  });

  it('resolves anchors, aliases and << merge keys; aliased nodes fall back to the alias position', () => {
    const text = ['base: &b {x: 1, y: 2}', 'copy: *b', 'merged:', '  <<: *b', '  y: 3', ''].join('\n');
    const { data, positions } = parseYamlText(text, '/f.yaml');
    expect(data).toEqual({ base: { x: 1, y: 2 }, copy: { x: 1, y: 2 }, merged: { x: 1, y: 3 } });
    expect(positions.locate(['copy', 'x'], '/f.yaml')).toMatchObject({ line: 2, col: 1, keyPath: 'copy.x' });
    expect(positions.locate(['merged', 'x'], '/f.yaml')).toMatchObject({ line: 3 });
  });

  it('stringifies scalar keys the way the data does', () => {
    const { data, positions } = parseYamlText('1: one\ntrue: yes\n', '/f.yaml');
    expect(data).toEqual({ 1: 'one', true: 'yes' });
    expect(positions.get(['1'])).toMatchObject({ line: 1 });
    expect(positions.get(['true'])).toMatchObject({ line: 2 });
  });

  it.each([
    ['a: [1, 2', 1],
    ['a: 1\n  b: 2\n', 1], // yaml reports the value that cannot hold a mapping
    ['a: 1\n---\nb: 2\n', 2],
    ['a: "unterminated\n', 2], // reported where the input ends
    ['a:\n\t- tab\n', 2],
  ])('syntax error %j → PB_ERR_YAML_SYNTAX at line %i', (text, line) => {
    let err: unknown;
    try {
      parseYamlText(text, '/f.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).code).toBe('PB_ERR_YAML_SYNTAX');
    expect((err as InputError).location).toMatchObject({ file: '/f.yaml', line });
    expect((err as InputError).location?.col).toBeGreaterThanOrEqual(1);
  });
});

describe('parseYamlText: resource limits', () => {
  it('rejects exponential alias expansion as PB_ERR_YAML_SYNTAX instead of hanging', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    let err: unknown;
    try {
      parseYamlText(lines.join('\n'), '/bomb.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).code).toBe('PB_ERR_YAML_SYNTAX');
  });
});
