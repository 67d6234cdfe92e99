import { describe, expect, it } from 'vitest';
import { orderWarnings } from '../../src/config/order-warnings.js';
import type { UsageSpec } from '../../src/config/types.js';
import { blockFromObject } from '../../src/engine/in-memory-block.js';

const usage = (options: string[]): UsageSpec => ({
  longrunning: false,
  daemon: false,
  args: [],
  options: options.map((name) => ({ name, type: 'value', hasDefault: false })),
});
const warn = (data: Record<string, unknown>, u?: UsageSpec): string[] =>
  orderWarnings(blockFromObject(data, { usage: u })).map((w) => `${w.location.keyPath}: ${w.message}`);

describe('orderWarnings', () => {
  it('the README trap: an if reading what a later-priority run produces', () => {
    const w = warn({ run: [{ script: 'disk.ts' }], 'if used > limit': { alert: 'x' } }, usage(['limit']));
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^if used > limit: .*'used'.*'run'.*__priority: 900/);
  });

  it('no warning once the if runs after the run (__priority), or when something earlier may set the key', () => {
    expect(warn({ run: [{ script: 'disk.ts' }], 'if used > limit': { __priority: 900, alert: 'x' } }, usage(['limit']))).toEqual([]);
    expect(warn({ 'set used': 3, run: [{ script: 'x.ts' }], 'if used > 1': { a: 1 } })).toEqual([]);
    expect(warn({ first: { run: [{ script: 'a.ts' }] }, 'if used > 1': { __priority: 550, a: 1 }, run: [{ script: 'b.ts' }] })).toEqual([]);
  });

  it('declared options and args are input, read before anything runs', () => {
    expect(warn({ run: [{ script: 'x.ts' }], 'if level > 5': { a: 1 } }, usage(['level']))).toEqual([]);
  });

  it('a definite later producer is named: run item set, shell status', () => {
    const w = warn({ 'if mode == "x"': { a: 1 }, run: [{ set: { mode: 'x' } }] });
    expect(w[0]).toMatch(/'mode'.*'run'.*sets it/);
    expect(warn({ 'if status is not empty': { a: 1 }, run: [{ shell: 'true' }] })).toHaveLength(1);
    // A shell item whose output is parsed may set any key.
    expect(warn({ 'if load > 1': { a: 1 }, run: [{ shell: 'cat /proc/loadavg', parse: 'kv', cache: 5 }] })[0]).toMatch(/'load'.*may set it/);
  });

  it('nested levels see the siblings of the levels around them; elif conditions are checked too', () => {
    const w = warn({ checks: { 'if used > 1': { a: 1 }, 'elif free < 2': { b: 1 } }, run: [{ script: 'disk.ts' }] });
    expect(w.map((x) => x.split(':')[0])).toEqual(['checks.if used > 1', 'checks.elif free < 2']);
  });

  it('keys nothing produces are left alone (they may come from the command line)', () => {
    expect(warn({ 'if verbose == true': { a: 1 }, 'set x': 1 })).toEqual([]);
  });
});
