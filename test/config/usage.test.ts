import { describe, expect, it } from 'vitest';
import { extractUsage } from '../../src/config/usage.js';

describe('extractUsage', () => {
  it('defaults: not long-running, no daemon, no args/options', () => {
    expect(extractUsage({ name: 'x' }, '/blocks')).toEqual({
      name: 'x',
      author: undefined,
      info: undefined,
      website: undefined,
      longrunning: false,
      daemon: false,
      pidfile: undefined,
      logfile: undefined,
      cwd: undefined,
      args: [],
      options: [],
    });
    expect(extractUsage(undefined, '/blocks')).toBeUndefined();
  });

  it('infers option type from the default when `type` is absent; keeps YAML order', () => {
    const usage = extractUsage(
      { options: { zeta: { default: true }, alpha: { default: 'x' }, mid: {}, flag: { type: 'flag' } } },
      '/b',
    )!;
    expect(usage.options.map((o) => [o.name, o.type, o.hasDefault])).toEqual([
      ['zeta', 'flag', true],
      ['alpha', 'value', true],
      ['mid', 'value', false],
      ['flag', 'flag', false],
    ]);
  });

  it('resolves cwd, pidfile, logfile against the YAML folder (absolute paths stay)', () => {
    const usage = extractUsage({ cwd: '.', pidfile: 'run/x.pid', logfile: '/var/log/x.log', daemon: true }, '/srv/blocks')!;
    expect(usage).toMatchObject({ cwd: '/srv/blocks', pidfile: '/srv/blocks/run/x.pid', logfile: '/var/log/x.log', daemon: true });
  });

  it('ignores malformed entries instead of crashing (validate: false path)', () => {
    const usage = extractUsage({ args: [{ info: 'no name' }, 'text', { name: 'ok' }], options: 'nope', longrunning: 'yes' }, '/b')!;
    expect(usage.args.map((a) => a.name)).toEqual(['ok']);
    expect(usage.options).toEqual([]);
    expect(usage.longrunning).toBe(false);
  });
});
