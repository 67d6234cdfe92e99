/**
 * The real CLI, spawned: outputs, exit codes and error codes (SPEC §1, issue: bad input case
 * by case). Every error line has the form `error[PB_ERR_…]: file:line:col at key.path: …`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { repoRoot, runCli, tempDir } from '../helpers/cli.js';

const fx = (name: string): string => path.join(repoRoot, 'test', 'fixtures', 'cli', name);
const state = tempDir('procblock-cli-state-');
afterAll(() => state.cleanup());
// Each run gets its own state dir so parallel runs never contend for one.
let n = 0;
const stateArgs = (): string[] => ['--state-dir', path.join(state.dir, String(++n))];
const cli = (args: string[]) => runCli([...stateArgs(), ...args]);

describe('procblock CLI basics', () => {
  it('prints the version and help', async () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const v = await runCli(['--version']);
    expect(v).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    const h = await runCli(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('usage: procblock [runtime options] <block.yaml>');
    for (const o of ['--format', '--check', '--log-level', '--quiet', '--state-dir']) expect(h.stdout).toContain(o);
  });

  it('exits 2 without a block file, and for an unknown runtime option', async () => {
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    const bad = await runCli(['--frobnicate', fx('ok.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/error\[PB_ERR_USAGE\]: unknown option '--frobnicate'/);
  });

  it('runs the simplest demo: only the result on stdout', async () => {
    const r = await cli([path.join(repoRoot, 'demos/simplest/simplest.yaml')]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { run: Record<string, unknown> };
    expect(Object.keys(out)).toEqual(['run']);
    expect(Object.keys(out.run).sort()).toEqual(['__duration', '__start_time', 'args', 'random']);
    expect(out.run.args).toEqual([]);
    expect(out.run.random).toBeGreaterThanOrEqual(0);
    expect(out.run.random).toBeLessThanOrEqual(100);
    expect(Number.isInteger(out.run.random)).toBe(true);
    expect(typeof out.run.__duration).toBe('number');
    expect(Math.abs((out.run.__start_time as number) - Date.now() / 1000)).toBeLessThan(3600);
  });

  it('prints YAML with --format yaml', async () => {
    const r = await cli(['--format', 'yaml', fx('usage.yaml'), 'in.txt', '--level', '7']);
    expect(r.code).toBe(0);
    expect(parseYaml(r.stdout)).toMatchObject({ big: true, run: { done: true, file: 'in.txt', level: '7' } });
  });

  it('--check prints ok, or every problem with exit 2', async () => {
    expect(await cli(['--check', fx('usage.yaml')])).toMatchObject({ code: 0, stdout: 'ok\n' });
    const bad = await cli(['--check', fx('schema-errors.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
  });
});

describe('concurrency', () => {
  it('four simultaneous lists: 4 x 1,000 increments = 4,000; lock-guarded read-modify-writes lose nothing', async () => {
    const r = await cli([fx('concurrency.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, Record<string, Record<string, unknown>>>;
    expect(out['run simultaneous']).toMatchObject({ a: { status: 'ok' }, b: { status: 'ok' }, c: { status: 'ok' }, d: { status: 'ok' } });
    expect(out.totals?.run).toMatchObject({ hits: 4000, value: 1000 });
  });
});

describe('__usage: the block command line', () => {
  it('--help after the file prints the usage text to stdout', async () => {
    const r = await cli([fx('usage.yaml'), '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Name: Usage Demo\nAuthor: Jane Doe\nWebsite: https:\/\/example.org\//);
    expect(r.stdout).toContain('usage: procblock');
    expect(r.stdout).toContain('[targets1 targets2 ...]');
  });

  it('parses options and args into input data; conditions see CLI strings as numbers', async () => {
    const r = await cli([fx('usage.yaml'), '-v', 'a.txt', '9', 'x', 'y', '--output=o.json', '-l', '3']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, Record<string, unknown>>;
    expect(out.big).toBe(false);
    expect(out.run).toMatchObject({ file: 'a.txt', timeout: '9', targets: ['x', 'y'], output: 'o.json', verbose: true, level: '3' });
  });

  it('prints the banner to stderr', async () => {
    const r = await cli([fx('usage.yaml'), 'a.txt']);
    expect(r.stderr).toContain('Name: Usage Demo');
    expect(r.stderr).toContain('Info: Shows the block command line.');
    expect(r.stdout).not.toContain('Name:');
  });

  it('a missing required arg is a usage error: usage text and error on stderr, exit 2', async () => {
    const r = await cli([fx('usage.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('usage: procblock');
    expect(r.stderr).toMatch(/error\[PB_ERR_BLOCK_USAGE\]: missing required argument 'file'/);
  });

  it('an unknown block option is a usage error', async () => {
    const r = await cli([fx('usage.yaml'), 'a.txt', '--nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[PB_ERR_BLOCK_USAGE\]: unknown option '--nope'/);
  });
});

/** The first `error[CODE]: …` line on stderr. */
function errorLine(stderr: string): string {
  return stderr.split('\n').find((l) => l.startsWith('error')) ?? `(no error line in: ${stderr})`;
}

describe('bad input, case by case', () => {
  it('YAML syntax error → exit 2 naming file:line:col', async () => {
    const r = await cli([fx('syntax-error.yaml')]);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toMatch(/^error\[PB_ERR_YAML_SYNTAX\]: .*syntax-error\.yaml:3:\d+/);
  });

  it('schema violations are all reported at once with their places', async () => {
    const r = await cli([fx('schema-errors.yaml')]);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toMatch(/^error\[PB_ERR_SCHEMA\]/);
    expect(r.stderr).toMatch(/schema-errors\.yaml:2:\d+ at run\[0\]\.shell.*timout/);
    expect(r.stderr).toMatch(/schema-errors\.yaml:4:\d+ at run\[1\].*bogus/);
    expect(r.stderr).toMatch(/schema-errors\.yaml:7:\d+ at require lock.*wait/);
    expect(r.stderr).toMatch(/schema-errors\.yaml:9:\d+ at nested\.__priority.*high/);
  });

  it('malformed condition → exit 2 naming the key', async () => {
    const r = await cli([fx('bad-condition.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/PB_ERR_CONDITION_SYNTAX/);
    expect(r.stderr).toMatch(/bad-condition\.yaml:1:\d+/);
  });

  it('unknown tag option → exit 2 naming the option and the right ones', async () => {
    const r = await cli([fx('unknown-tag-option.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown-tag-option\.yaml:3:\d+ at require lock/);
    expect(r.stderr).toMatch(/timout/);
    expect(r.stderr).toMatch(/timeout_exception/);
  });

  it('include cycle and missing include → exit 2', async () => {
    const cyc = await cli([fx('cycle-a.yaml')]);
    expect(cyc.code).toBe(2);
    expect(errorLine(cyc.stderr)).toMatch(/PB_ERR_INCLUDE_CYCLE/);
    expect(cyc.stderr).toMatch(/cycle-a\.yaml.*cycle-b\.yaml/s);
    const miss = await cli([fx('missing-include.yaml')]);
    expect(miss.code).toBe(2);
    expect(errorLine(miss.stderr)).toMatch(/^error\[PB_ERR_INCLUDE_NOT_FOUND\]: .*missing-include\.yaml:2/);
  });

  it('missing script → exit 2 naming the item', async () => {
    const r = await cli([fx('missing-script.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/PB_ERR_SCRIPT_NOT_FOUND/);
    expect(r.stderr).toMatch(/missing-script\.yaml:2:\d+ at run\[0\]/);
    expect(r.stderr).toMatch(/nowhere\.ts/);
  });

  it('script with a syntax error → exit 1 naming the script', async () => {
    const r = await cli([fx('script-syntax.yaml')]);
    expect(r.code).toBe(1);
    expect(errorLine(r.stderr)).toMatch(/^error\[PB_ERR_SCRIPT_SYNTAX\]/);
    expect(r.stderr).toMatch(/syntax-broken\.ts/);
  });

  it('script that throws → exit 1 with its stack', async () => {
    const r = await cli([fx('script-throws.yaml')]);
    expect(r.code).toBe(1);
    expect(errorLine(r.stderr)).toMatch(/^error\[PB_ERR_SCRIPT_THROW\]: .*script-throws\.yaml:2:\d+ at run\[0\].*throws\.ts/);
    expect(r.stderr).toContain('the disk is on fire');
    expect(r.stderr).toMatch(/at deeper .*throws\.ts/);
  });

  it('script returning a non-object → warning, the run continues', async () => {
    const r = await cli([fx('non-object.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warn.*returns-number\.mjs/);
    expect(JSON.parse(r.stdout)).toMatchObject({ run: { after: true } });
  });

  it('script exceeding its timeout → exit 1', async () => {
    const r = await cli([fx('script-timeout.yaml')]);
    expect(r.code).toBe(1);
    expect(errorLine(r.stderr)).toMatch(/^error\[PB_ERR_SCRIPT_TIMEOUT\]: .*script-timeout\.yaml:2/);
  });

  it('worker that exits → exit 1', async () => {
    const r = await cli([fx('worker-exit.yaml')]);
    expect(r.code).toBe(1);
    expect(errorLine(r.stderr)).toMatch(/^error\[PB_ERR_WORKER_EXIT\]/);
  });

  it('shell item that times out: status 124 and the run continues; with fail_on_error exit 1', async () => {
    const soft = await cli([fx('shell-timeout.yaml')]);
    expect(soft.code).toBe(0);
    expect(JSON.parse(soft.stdout)).toMatchObject({ run: { status: [124], continued: true } });
    const hard = await cli([fx('shell-timeout-fail.yaml')]);
    expect(hard.code).toBe(1);
    expect(errorLine(hard.stderr)).toMatch(/^error\[PB_ERR_SHELL_TIMEOUT\]/);
  });

  it('20 MB of shell output arrives whole', async () => {
    const r = await cli([fx('shell-big.yaml')]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { run: { output: string; status: number[] } };
    expect(out.run.status).toEqual([0]);
    expect(out.run.output.length).toBe(20 * 1024 * 1024);
    expect(/^x+$/.test(out.run.output)).toBe(true);
  });

  it('__return_tag to a missing key → exit 1 naming the path', async () => {
    const r = await cli([fx('return-missing.yaml')]);
    expect(r.code).toBe(1);
    expect(errorLine(r.stderr)).toMatch(/^error\[PB_ERR_RETURN_TAG_MISSING\]: .*return-missing\.yaml:1:\d+/);
    expect(r.stderr).toMatch(/nothere/);
  });

  it('require lock timing out: with timeout_exception exit 1; with timeout_block that block', async () => {
    const hard = await cli([fx('lock-timeout-exception.yaml')]);
    expect(hard.code).toBe(1);
    expect(errorLine(hard.stderr)).toMatch(/^error\[PB_ERR_LOCK_TIMEOUT\]: .*lock-timeout-exception\.yaml:5:\d+ at inner\.require lock/);
    const soft = await cli([fx('lock-timeout-block.yaml')]);
    expect(soft.code).toBe(0);
    expect(JSON.parse(soft.stdout)).toMatchObject({ inner: { gave_up: true } });
    expect(JSON.parse(soft.stdout).inner).not.toHaveProperty('value');
  });
});
