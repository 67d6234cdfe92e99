import { describe, expect, it } from 'vitest';
import { scanArgv, type Arity } from '../../src/cli/argv-scan.js';

const defs: Record<string, Arity> = { verbose: 'none', v: 'none', output: 'required', o: 'required', q: 'none', maybe: 'optional' };
const lookup = (name: string): { name: string; arity: Arity } | undefined => (name in defs ? { name, arity: defs[name] as Arity } : undefined);

describe('scanArgv', () => {
  it('takes long options with inline or next values, flags, and positionals', () => {
    const r = scanArgv(['a', '--output', 'x', '--verbose', '--output=y', 'b'], { lookup });
    expect(r.positionals).toEqual(['a', 'b']);
    expect(r.options.map((o) => [o.name, o.value])).toEqual([['output', 'x'], ['verbose', true], ['output', 'y']]);
    expect(r.problems).toEqual([]);
  });
  it('bundles short flags; a value letter swallows the rest of the bundle', () => {
    const r = scanArgv(['-vqofile', '-o', 'next'], { lookup, bundle: true });
    expect(r.options.map((o) => [o.name, o.value])).toEqual([['v', true], ['q', true], ['o', 'file'], ['o', 'next']]);
  });
  it('-- ends options and - is a positional', () => {
    const r = scanArgv(['--', '--verbose', '-'], { lookup });
    expect(r.positionals).toEqual(['--verbose', '-']);
    expect(r.options).toEqual([]);
  });
  it('optional values stop at the next option-like argument', () => {
    const r = scanArgv(['--maybe', '--verbose', '--maybe', 'x', '--maybe'], { lookup });
    expect(r.options.map((o) => o.value)).toEqual([true, true, 'x', true]);
  });
  it('reports unknown options, missing values and values given to flags', () => {
    const r = scanArgv(['--nope', '--verbose=1', '--output'], { lookup });
    expect(r.problems.map((p) => p.kind)).toEqual(['unknown', 'takes-no-value', 'needs-value']);
  });
  it('stops at the first positional and returns the rest untouched', () => {
    const r = scanArgv(['--output', 'o', 'file.yaml', '--nope', '-x'], { lookup, stopAtPositional: true });
    expect(r.positionals).toEqual(['file.yaml']);
    expect(r.rest).toEqual(['--nope', '-x']);
    expect(r.problems).toEqual([]);
  });
  it('negative numbers are positionals when asked', () => {
    expect(scanArgv(['-600'], { lookup, negativeNumbers: true }).positionals).toEqual(['-600']);
    expect(scanArgv(['-600'], { lookup }).problems[0]?.kind).toBe('unknown');
  });
});
