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
});
