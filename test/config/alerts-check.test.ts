/**
 * `--check` of `alert:` and `timeseries derive` (SPEC §9; done-when 1): each malformed
 * expression and each broken rule is reported with file, line and key path, all at once.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkBlock } from '../../src/config/index.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { fixture, inputError, summarize } from './helpers.js';

describe('alert and derive validation', () => {
  it('reports every malformed expression and rule with its line and key path', async () => {
    const err = await inputError(() => checkBlock(fixture('alerts', 'malformed.yaml')));
    expect(summarize(err)).toEqual([
      { code: 'PB_ERR_EXPRESSION_SYNTAX', file: 'alerts/malformed.yaml', line: 8, keyPath: 'run[0].alert.no_window.when' },
      { code: 'PB_ERR_EXPRESSION_SYNTAX', file: 'alerts/malformed.yaml', line: 11, keyPath: 'run[0].alert.bad_clear.clear' },
      { code: 'PB_ERR_EXPRESSION_SYNTAX', file: 'alerts/malformed.yaml', line: 13, keyPath: 'run[0].alert.nested.when' },
      { code: 'PB_ERR_EXPRESSION_SYNTAX', file: 'alerts/malformed.yaml', line: 15, keyPath: 'run[0].alert.two_series.when' },
      { code: 'PB_ERR_EXPRESSION_SYNTAX', file: 'alerts/malformed.yaml', line: 17, keyPath: 'run[0].alert.foreign.when' },
      { code: 'PB_ERR_VALIDATION', file: 'alerts/malformed.yaml', line: 19, keyPath: 'run[0].alert.unknown_thread.when' },
      { code: 'PB_ERR_VALIDATION', file: 'alerts/malformed.yaml', line: 23, keyPath: 'run[0].alert.procedure_thread.run[0]' },
      { code: 'PB_ERR_VALIDATION', file: 'alerts/malformed.yaml', line: 30, keyPath: 'run[1].thread_id' },
      { code: 'PB_ERR_VALIDATION', file: 'alerts/malformed.yaml', line: 32, keyPath: 'run[1].timeseries derive.fields.total' },
      { code: 'PB_ERR_EXPRESSION_SYNTAX', file: 'alerts/malformed.yaml', line: 34, keyPath: 'run[1].timeseries derive.fields.broken' },
      { code: 'PB_ERR_VALIDATION', file: 'alerts/malformed.yaml', line: 37, keyPath: 'run[2].alert' },
    ]);
    const byPath = new Map(err.problems.map((p) => [p.location?.keyPath, p.message]));
    expect(byPath.get('run[0].alert.no_window.when')).toMatch(/column 13\): pct\(\) needs a window; write pct\(<condition>, last N\)/);
    expect(byPath.get('run[0].alert.bad_clear.clear')).toMatch(/a bare number \(20\) is not a window; write 'last 20' for samples or '20s'/);
    expect(byPath.get('run[0].alert.foreign.when')).toMatch(/unknown operator '&&'; write 'and'/);
    expect(byPath.get('run[0].alert.unknown_thread.when')).toMatch(/reads 'db\.lag', but this block has no RunThread 'db' \(RunThreads: web\)/);
    expect(byPath.get('run[1].timeseries derive.fields.total')).toMatch(/reads derived field 'rest', which is computed below it/);
    expect(byPath.get('run[2].alert')).toMatch(/alert needs a RunThread/);
  });

  it('structural mistakes are the schema’s (unknown option, not a duration)', async () => {
    const err = await inputError(() => checkBlock(fixture('alerts', 'schema.yaml')));
    expect(summarize(err)).toEqual([
      { code: 'PB_ERR_SCHEMA', file: 'alerts/schema.yaml', line: 5, keyPath: 'run[0].alert.slow' },
      { code: 'PB_ERR_UNKNOWN_TAG_OPTION', file: 'alerts/schema.yaml', line: 6, keyPath: 'run[0].alert.slow.whenn' },
      { code: 'PB_ERR_SCHEMA', file: 'alerts/schema.yaml', line: 9, keyPath: 'run[0].alert.late.for' },
      { code: 'PB_ERR_SCHEMA', file: 'alerts/schema.yaml', line: 10, keyPath: 'run[0].alert.late.repeat' },
    ]);
    expect(err.problems[0]?.message).toMatch(/missing required option 'when' \(the condition, e.g. when:/);
    expect(err.problems[2]?.message).toMatch(/must be a number of seconds or a duration such as 30s, 500ms, 2m/);
  });

  it('a valid block with alerts, procedures and a derived series passes', async () => {
    await expect(checkBlock(fixture('alerts', 'good.yaml'))).resolves.toMatchObject({ file: fixture('alerts', 'good.yaml') });
  });

  it('procblock --check prints every problem with file:line and exits 2', async () => {
    const file = fixture('alerts', 'malformed.yaml');
    const r = await runCli(['--check', file], { cwd: repoRoot });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${file}:8:9 at run[0].alert.no_window.when: malformed expression 'pct(ms < 200) < 80' (column 13)`);
    expect(r.stderr.match(/^ {2}- /gm)).toHaveLength(11);
    expect(path.isAbsolute(file)).toBe(true);
  });
});
