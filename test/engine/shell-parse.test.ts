import { describe, expect, it } from 'vitest';
import { parseShellOutput, ShellParseError } from '../../src/engine/run-items/shell-parse.js';

describe('parse: kv', () => {
  it.each([
    ['key value lines', 'load 0.25\nprocs 12\n', { load: 0.25, procs: 12 }],
    ['key=value and key: value, spaces around the separator', 'a=1\nb = -2.5e1\nc: x y \nd:\n', { a: 1, b: -25, c: 'x y', d: '' }],
    ['blank lines, comments, CRLF; the last of a repeated key wins', '\n# header\r\nx 1\r\n  \nx 2\n', { x: 2 }],
    ['strings that only look numeric stay strings', 'v 1.2.3\nw 0x10\nu U\n', { v: '1.2.3', w: '0x10', u: 'U' }],
    ['keys with dots and dashes', 'disk.root-used 70\n', { 'disk.root-used': 70 }],
    ['no output: no fields', '', {}],
  ])('%s', (_name, stdout, fields) => {
    expect(parseShellOutput(stdout, 'kv')).toEqual(fields);
  });

  it.each([
    ['a key without a value', 'ok 1\nlonely\n', 2],
    ['a line that does not start with a key', 'ok 1\n\n!! 3\n', 3],
    ['a key starting with a digit', '1x 2\n', 1],
  ])('%s → ShellParseError naming the line', (_name, stdout, line) => {
    let err: unknown;
    try {
      parseShellOutput(stdout, 'kv');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ShellParseError);
    expect((err as ShellParseError).line).toBe(line);
  });
});

describe('parse: json', () => {
  it('an object, surrounding white space ignored, nested values kept', () => {
    expect(parseShellOutput('\n {"a": 1, "b": {"c": [1, 2]}, "s": "x"}\n', 'json')).toEqual({ a: 1, b: { c: [1, 2] }, s: 'x' });
  });

  it.each([['', 'no output'], ['[1, 2]', 'an array'], ['42', 'a number'], ['null', 'null'], ['{"a": ', 'not JSON']])('%j (%s) → ShellParseError', (stdout) => {
    expect(() => parseShellOutput(stdout, 'json')).toThrow(ShellParseError);
  });
});
