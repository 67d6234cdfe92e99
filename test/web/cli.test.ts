/**
 * dropSTAR through the real CLI (issue 9 point 2): exposure rules at start-up (exit 2 with a
 * message), token authentication on a server bound to every address, and `--check` finding
 * problems inside pages.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, startCli, tempDir } from '../helpers/cli.js';
import { startWebBlock } from '../helpers/web-demo.js';

const fx = (name: string): string => path.join(repoRoot, 'test', 'fixtures', 'web', name);
const tmp = tempDir('procblock-web-cli-');
afterAll(() => tmp.cleanup());

function block(name: string, yaml: string): string {
  const file = path.join(tmp.dir, name);
  writeFileSync(file, yaml);
  return file;
}

describe('procblock with a dropstar block', () => {
  it('refuses to listen on 0.0.0.0 without auth: exit 2, naming the file, the key and the ways out', async () => {
    const p = startCli(['--state-dir', path.join(tmp.dir, 'state-open'), fx('exposed-open.yaml')]);
    // Were it to listen, stop it at once rather than hang the test.
    void p.waitFor(/dropSTAR listening/, 'stderr').then(() => p.child.kill('SIGKILL'), () => undefined);
    const r = await p.done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[PB_ERR_WEB_INSECURE\]: .*exposed-open\.yaml:4:\d+ at dropstar\.host: /);
    expect(r.stderr).toMatch(/auth: \{token/);
    expect(r.stderr).toMatch(/insecure: true/);
    expect(r.stdout).toBe('');
  });

  it('on 0.0.0.0 with a token: 401 without the token, 200 with it', async () => {
    const token = 'tok-0123456789abcdefghij';
    const server = await startWebBlock(fx('exposed-token.yaml'), { runtimeArgs: ['--state-dir', path.join(tmp.dir, 'state-token')], blockArgs: ['--token', token] });
    try {
      expect(server.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+\/$/);
      const local = server.url.replace('0.0.0.0', '127.0.0.1');
      const denied = await fetch(`${local}rpc/data`);
      expect([denied.status, denied.headers.get('www-authenticate')]).toEqual([401, 'Bearer realm="dropSTAR"']);
      expect((await fetch(`${local}hello`)).status).toBe(401);
      expect((await fetch(`${local}rpc/data`, { headers: { authorization: 'Bearer not-the-token-at-all' } })).status).toBe(401);
      const ok = await fetch(`${local}rpc/data`, { headers: { authorization: `Bearer ${token}` } });
      expect(await ok.json()).toEqual({ answer: 42 });
    } finally {
      expect((await server.stop()).code).toBe(0);
    }
  });

  it('a token too short to be one is bad input (exit 2)', async () => {
    const r = await runCli(['--state-dir', path.join(tmp.dir, 'state-short'), fx('exposed-token.yaml'), '--token', 'short']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/PB_ERR_VALIDATION.*dropstar\.auth\.token: a token must be at least 16 characters/);
  });

  it('needs a long-running block; --check finds missing scripts and unknown settings inside dropstar', async () => {
    const once = block('once.yaml', 'dropstar:\n  port: 0\n');
    const r = await runCli([once]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/PB_ERR_VALIDATION.*longrunning: true/)]);

    const missing = block('missing.yaml', '__usage: {longrunning: true}\ndropstar:\n  pages:\n    p:\n      run: [{script: nope.ts}]\n');
    const checked = await runCli(['--check', missing]);
    expect(checked.code).toBe(2);
    expect(checked.stderr).toMatch(/missing\.yaml:5:\d+ at dropstar\.pages\.p\.run\[0\]\.script: script not found/);

    const unknown = block('unknown.yaml', '__usage: {longrunning: true}\ndropstar:\n  prot: 8080\n');
    const bad = await runCli(['--check', unknown]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/PB_ERR_UNKNOWN_TAG_OPTION\]: .*unknown\.yaml:3:3 at dropstar\.prot: /);
  });
});
