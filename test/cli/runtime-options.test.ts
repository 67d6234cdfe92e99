import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli/runtime-options.js';
import { ProcblockError } from '../../src/core/errors.js';

describe('runtime options', () => {
  it('splits runtime options, the file, and the block argv', () => {
    const cmd = parseCommandLine(['--format', 'yaml', '--quiet', 'b.yaml', '--format', 'x', 'arg']);
    expect(cmd.options.format).toBe('yaml');
    expect(cmd.options.quiet).toBe(true);
    expect(cmd.file).toBe('b.yaml');
    expect(cmd.blockArgv).toEqual(['--format', 'x', 'arg']);
  });

  it('accepts --opt=value and short letters', () => {
    const cmd = parseCommandLine(['--log-level=debug', '-q', '--state-dir=/tmp/s', 'b.yaml']);
    expect(cmd.options).toMatchObject({ logLevel: 'debug', quiet: true, stateDir: '/tmp/s' });
  });

  it('--start-timeout: seconds to wait for a daemon to be ready (default 60)', () => {
    expect(parseCommandLine(['b.yaml']).options.startTimeout).toBe(60);
    expect(parseCommandLine(['--start-timeout', '2.5', 'b.yaml']).options.startTimeout).toBe(2.5);
  });

  it('rejects unknown options and bad values with PB_ERR_USAGE', () => {
    for (const argv of [['--nope', 'b.yaml'], ['--format', 'xml', 'b.yaml'], ['--log-level', 'loud'], ['--format'], ['--check=1'], ['--stop-timeout', '-1'], ['--start-timeout', 'soon', 'b.yaml']]) {
      let code: string | undefined;
      try {
        parseCommandLine(argv);
      } catch (e) {
        code = (e as ProcblockError).code;
      }
      expect(code, argv.join(' ')).toBe('PB_ERR_USAGE');
    }
  });

  it('--watch and --watch-debounce (seconds, default 0.2)', () => {
    expect(parseCommandLine(['b.yaml']).options).toMatchObject({ watch: false, watchDebounce: 0.2 });
    expect(parseCommandLine(['--watch', '--watch-debounce', '0.05', 'b.yaml']).options).toMatchObject({ watch: true, watchDebounce: 0.05 });
    for (const argv of [['--watch=yes', 'b.yaml'], ['--watch-debounce', 'soon', 'b.yaml'], ['--watch-debounce', '-1', 'b.yaml']]) {
      expect(() => parseCommandLine(argv), argv.join(' ')).toThrow(expect.objectContaining({ code: 'PB_ERR_USAGE' }) as Error);
    }
  });

  it('--unidist takes memory or a Redis URL; --unidist-prefix goes with a Redis URL only', () => {
    expect(parseCommandLine(['b.yaml']).options).toMatchObject({ unidist: 'memory', unidistPrefix: undefined });
    for (const url of ['redis://localhost:6379/0', 'rediss://:pw@redis.example.org', 'unix:///run/redis/redis.sock?db=1']) {
      expect(parseCommandLine(['--unidist', url, '--unidist-prefix', 'shared', 'b.yaml']).options).toMatchObject({ unidist: url, unidistPrefix: 'shared' });
    }
    for (const argv of [
      ['--unidist', 'redis//localhost', 'b.yaml'],
      ['--unidist', 'memcached://h', 'b.yaml'],
      ['--unidist', 'redis://h?tiemout=1s', 'b.yaml'],
      ['--unidist-prefix', 'x', 'b.yaml'],
      ['--unidist', 'redis://h', '--unidist-prefix', 'has space', 'b.yaml'],
    ]) {
      let code: string | undefined;
      try {
        parseCommandLine(argv);
      } catch (e) {
        code = (e as ProcblockError).code;
      }
      expect(code, argv.join(' ')).toBe('PB_ERR_USAGE');
    }
  });
});
