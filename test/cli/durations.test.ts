/**
 * Issue 7 point 7 through the real CLI: duration strings for every timeout and ttl, in the
 * JavaScript unidist API (ms as numbers) through the worker proxy, and in the YAML (seconds as
 * numbers).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir('procblock-durations-');
afterAll(() => tmp.cleanup());

describe('duration strings', () => {
  it('ctx.unidist takes them through the worker proxy; a bare numeric string is refused with a code', async () => {
    writeFileSync(
      path.join(tmp.dir, 'locks.mjs'),
      `export const processBlock = async (pipeData, block, req, input, ctx) => {
  const h = await ctx.unidist.lock.acquire('x', { ttl: '30s', timeout: '1m' });
  const [info] = await ctx.unidist.lock.list();
  const again = await ctx.unidist.lock.acquire('x', { timeout: '0s' });
  const waited = await ctx.unidist.queue.wait('empty', { timeout: '10ms' });
  const refused = [];
  for (const options of [{ timeout: '30' }, { ttl: '5 parsecs' }]) {
    try { await ctx.unidist.lock.acquire('y', options); } catch (e) { refused.push(e.code); }
  }
  await h.release();
  return { ttlMs: info.expires - info.since, again, waited: waited ?? null, refused };
};
`,
    );
    const file = path.join(tmp.dir, 'api.yaml');
    writeFileSync(file, 'run:\n  - script: locks.mjs\n');
    const r = await runCli(['--state-dir', path.join(tmp.dir, 'state1'), file]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).run).toMatchObject({ ttlMs: 30_000, again: null, waited: null, refused: ['PB_ERR_INVALID_ARGUMENT', 'PB_ERR_INVALID_ARGUMENT'] });
  });

  it('the YAML takes them for require lock and run items', async () => {
    writeFileSync(
      path.join(tmp.dir, 'list.mjs'),
      "export const processBlock = async (p, b, r, i, ctx) => { const [l] = await ctx.unidist.lock.list(); return { ttlMs: l.expires - l.since }; };\n",
    );
    const file = path.join(tmp.dir, 'yaml.yaml');
    writeFileSync(file, 'require lock: {name: l, timeout: 500ms, ttl: 2m}\nrun:\n  - script: list.mjs\n    timeout: 1m\n  - shell: "true"\n    timeout: 30s\n');
    expect(await runCli(['--check', file])).toMatchObject({ code: 0, stdout: 'ok\n' });
    const r = await runCli(['--state-dir', path.join(tmp.dir, 'state2'), file]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).run).toMatchObject({ ttlMs: 120_000, status: [0] });
  });

  it("a duration filled in from an option and wrong when the item runs is refused at the option's own key path", async () => {
    writeFileSync(path.join(tmp.dir, 'one.mjs'), 'export const processBlock = () => ({ one: 1 });\n');
    for (const option of ['timeout', 'cache']) {
      const file = path.join(tmp.dir, `late-${option}.yaml`);
      writeFileSync(file, `__usage:\n  options:\n    t: {type: value, default: 5}\nrun:\n  - script: one.mjs\n    ${option}: "%(t)s"\n`);
      const r = await runCli(['--state-dir', path.join(tmp.dir, `state-${option}`), file, '--t', 'abc']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`${file}:6:5 at run[0].${option}: expected a positive number of seconds or a duration`);
      expect(r.stdout).toBe('');
    }
  });
});
