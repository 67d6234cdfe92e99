/** Issue 7 point 6 through the real CLI: procblock's own options after the block file; --watch. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir('procblock-misplaced-');
afterAll(() => tmp.cleanup());
const plain = path.join(tmp.dir, 'plain.yaml');
writeFileSync(plain, 'x: 1\n');
const withUsage = path.join(tmp.dir, 'usage.yaml');
writeFileSync(withUsage, '__usage:\n  name: U\n  options:\n    out: {letter: o, type: value}\n    format: {type: value, default: csv}\nx: 1\n');

describe('runtime options after the block file', () => {
  it('a block without __usage: a warning saying to put them before the file; the run goes on', async () => {
    const r = await runCli([plain, '--format', 'yaml', '--quiet', '--log-level=debug', 'arg']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ x: 1 }); // JSON: --format went to the block
    const warnings = r.stderr.split('\n').filter((l) => / warn /.test(l));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`procblock --format yaml --quiet --log-level=debug ${plain}`);
  });

  it('a short runtime option after the file of a block without __usage is a usage error with the hint', async () => {
    const r = await runCli([plain, '-q']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`hint: -q is procblock's own; put it before the block file: procblock -q ${plain}`);
  });

  it('the block options a block without __usage really takes pass without a warning', async () => {
    const r = await runCli([plain, '--limit', '5', 'x']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
  });

  it('a block with __usage: the usage error (exit 2) says the option is procblock\'s own; a declared one is the block\'s', async () => {
    const r = await runCli([withUsage, '--quiet', '-o', 'f']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[PB_ERR_BLOCK_USAGE\]/);
    expect(r.stderr).toContain(`hint: --quiet is procblock's own; put it before the block file: procblock --quiet ${withUsage}`);
    const own = await runCli([withUsage, '--format', 'xml']);
    expect(own.code).toBe(0);
    expect(own.stderr).not.toContain('hint');
  });
});

describe('--watch', () => {
  it('before the file of a block that runs once: a warning that there is nothing to reload; the run goes on', async () => {
    const r = await runCli(['--watch', plain]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ x: 1 });
    expect(r.stderr).toMatch(/warn .*--watch: plain\.yaml is not long-running/);
  });
  it('after the file of a block without __usage: the warning of every runtime option there', async () => {
    const r = await runCli([plain, '--watch']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`procblock's own options go before the file: procblock --watch ${plain}`);
  });
});
