import { describe, expect, it } from 'vitest';
import { parseBlockArgs } from '../../src/cli/block-args.js';
import { blockUsageText } from '../../src/cli/usage-text.js';
import type { UsageSpec } from '../../src/config/types.js';
import { ProcblockError } from '../../src/core/errors.js';

const usage: UsageSpec = {
  name: 'Pusher / Puller',
  author: 'Jane Doe',
  website: 'https://example.org/',
  longrunning: false,
  daemon: false,
  args: [
    { name: 'file', info: 'File to process', required: true },
    { name: 'timeout', info: 'Seconds until timeout.', default: 60 },
    { name: 'targets', info: 'All the targets we will use.', remaining: true },
  ],
  options: [
    { name: 'output', letter: 'o', type: 'value', info: 'File to output results to', default: null, hasDefault: true },
    { name: 'verbose', letter: 'v', type: 'flag', info: 'Highly verbose output', default: false, hasDefault: true },
    { name: 'level', letter: 'l', type: 'value', info: 'Level', hasDefault: false },
  ],
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof ProcblockError ? e.code : 'not a ProcblockError';
  }
  return undefined;
}

describe('block args with __usage', () => {
  it('matches args by position, collects remaining, applies defaults', () => {
    expect(parseBlockArgs(['a.txt'], usage).input).toEqual({ file: 'a.txt', timeout: 60, targets: [], output: null, verbose: false, args: ['a.txt'] });
    expect(parseBlockArgs(['a.txt', '5', 'x', 'y'], usage).input).toMatchObject({ file: 'a.txt', timeout: '5', targets: ['x', 'y'] });
  });

  it('accepts GNU-style options anywhere after the file', () => {
    const forms = [
      ['--output', 'out.json', 'a.txt', '-v'],
      ['a.txt', '--output=out.json', '--verbose'],
      ['-o', 'out.json', 'a.txt', '-v'],
      ['a.txt', '-vo', 'out.json'],
      ['a.txt', '-v', '-oout.json'],
    ];
    for (const argv of forms) {
      expect(parseBlockArgs(argv, usage).input).toMatchObject({ file: 'a.txt', output: 'out.json', verbose: true });
    }
  });

  it('treats everything after -- as positionals', () => {
    expect(parseBlockArgs(['a.txt', '--', '-v', '--output'], usage).input).toMatchObject({ verbose: false, timeout: '-v', targets: ['--output'] });
  });

  it('leaves a value option without default absent', () => {
    expect(parseBlockArgs(['a.txt'], usage).input).not.toHaveProperty('level');
    expect(parseBlockArgs(['a.txt', '-l', '7'], usage).input).toMatchObject({ level: '7' });
  });

  it('reports usage errors with PB_ERR_BLOCK_USAGE', () => {
    expect(codeOf(() => parseBlockArgs([], usage))).toBe('PB_ERR_BLOCK_USAGE'); // missing required arg
    expect(codeOf(() => parseBlockArgs(['a', '--nope'], usage))).toBe('PB_ERR_BLOCK_USAGE');
    expect(codeOf(() => parseBlockArgs(['a', '-x'], usage))).toBe('PB_ERR_BLOCK_USAGE');
    expect(codeOf(() => parseBlockArgs(['a', '--verbose=yes'], usage))).toBe('PB_ERR_BLOCK_USAGE');
    expect(codeOf(() => parseBlockArgs(['a', '--output'], usage))).toBe('PB_ERR_BLOCK_USAGE');
    const noRemaining: UsageSpec = { ...usage, args: [{ name: 'file', required: true }] };
    expect(codeOf(() => parseBlockArgs(['a', 'b'], noRemaining))).toBe('PB_ERR_BLOCK_USAGE');
  });

  it('names the missing argument in the message', () => {
    expect(() => parseBlockArgs([], usage)).toThrow(/missing required argument 'file'/);
  });

  it('asks for help even when the rest would be a usage error', () => {
    expect(parseBlockArgs(['--help'], usage).help).toBe(true);
    expect(parseBlockArgs(['-h', '--nope'], usage).help).toBe(true);
  });
});

describe('block args without __usage', () => {
  it('turns --name value, --name=value and bare flags into options; positionals into args', () => {
    expect(parseBlockArgs(['--level', '7', 'x', '--mode=fast', 'y', '--dry'], undefined).input).toEqual({ level: '7', mode: 'fast', dry: true, args: ['x', 'y'] });
    expect(parseBlockArgs(['--a', '--b', 'v'], undefined).input).toEqual({ a: true, b: 'v', args: [] });
    expect(parseBlockArgs([], undefined).input).toEqual({ args: [] });
  });
});

describe('usage text', () => {
  it('keeps the original layout', () => {
    const text = blockUsageText(usage, 'pushpull.yaml');
    const lines = text.split('\n');
    expect(lines.slice(0, 3)).toEqual(['Name: Pusher / Puller', 'Author: Jane Doe', 'Website: https://example.org/']);
    expect(text).toContain('usage: procblock pushpull.yaml [options] file [timeout] [targets1 targets2 ...]');
    expect(text).toMatch(/ {2}file {5}File to process \(Required\)/);
    expect(text).toMatch(/timeout +Seconds until timeout\. \(Default=60\)/);
    expect(text).toMatch(/targets +All the targets we will use\. \(<Takes 0 or more args>\)/);
    expect(text).toMatch(/-v, --verbose +Highly verbose output \(<Flag>\)/);
    expect(text.indexOf('--output')).toBeLessThan(text.indexOf('--verbose'));
  });
});
