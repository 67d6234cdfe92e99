/** The `dropstar:` settings (src/web/config.ts) and authentication (src/web/auth.ts). */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProcblockError } from '../../src/core/errors.js';
import { blockFromObject } from '../../src/engine/in-memory-block.js';
import { Authenticator, hashPassword, parseAuth, parseScryptHash } from '../../src/web/auth.js';
import { parseDropstarConfig } from '../../src/web/config.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'procblock-web-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(path.join(dir, 'static'));

function parse(dropstar: Record<string, unknown>, pipeData: Record<string, unknown> = {}) {
  const block = blockFromObject({ dropstar }, { file: path.join(dir, 'site.yaml'), usage: { longrunning: true, daemon: false, args: [], options: [] } });
  return parseDropstarConfig({ block, path: ['dropstar'], config: block.data.dropstar as Record<string, unknown>, pipeData });
}

function failure(f: () => unknown): ProcblockError {
  try {
    f();
  } catch (e) {
    return e as ProcblockError;
  }
  throw new Error('did not fail');
}

describe('dropstar settings', () => {
  it('fill placeholders from pipe data and apply defaults', () => {
    const c = parse({ port: '%(port)s', host: '%(host)s', static: 'static', title: 'T %(n)s' }, { port: '9090', host: '::1', n: 2 });
    expect([c.port, c.host, c.title, c.staticDir]).toEqual([9090, '::1', 'T 2', path.join(dir, 'static')]);
    const d = parse({});
    expect([d.host, d.port, d.limits.bodyBytes, d.limits.urlBytes, d.limits.headerBytes, d.limits.timeoutMs]).toEqual(['127.0.0.1', 8080, 1048576, 8192, 16384, 30_000]);
  });

  it('keep page settings out of the processed mapping; pages inherit the timeout', () => {
    const c = parse({ timeout: 5, pages: { p: { title: 'P', aliases: ['/x/y'], events: ['thread:a', 'counter:b'], answer: 1 }, q: { timeout: 2 } }, rpc: { r: { timeout: 1, run: [] } } });
    const [p, q] = c.pages;
    expect(p).toMatchObject({ name: 'p', title: 'P', aliases: ['x/y'], events: 'thread:a counter:b', timeoutMs: 5000 });
    expect(p?.block.data).toEqual({ answer: 1 });
    expect(p?.block.locate(['answer']).file).toBe(path.join(dir, 'site.yaml'));
    expect(q?.timeoutMs).toBe(2000);
    expect(c.rpc.get('r')?.block.data).toEqual({ run: [] });
  });

  it('name what is wrong, where', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ prot: 1 }, /^dropstar\.prot: unknown setting/],
      [{ port: 70000 }, /^dropstar\.port: must be a whole number from 0 to 65535/],
      [{ port: '%(missing)s' }, /^dropstar\.port: must be a whole number/],
      [{ pages: { rpc: {} } }, /^dropstar\.pages\.rpc: 'rpc' cannot be a page name/],
      [{ pages: { '../x': {} } }, /cannot be a page name/],
      [{ pages: { a: { aliases: ['b'] }, b: {} } }, /^dropstar\.pages\.b: the path '\/b' is already taken/],
      [{ rpc: { 'a/b': {} } }, /cannot be an RPC name/],
      [{ static: 'nope' }, /^dropstar\.static: folder .*nope cannot be read/],
      [{ timeout: -1 }, /^dropstar\.timeout: must be a positive number of seconds/],
      [{ insecure: 'yes' }, /^dropstar\.insecure: must be true or false/],
      [{ pages: 3 }, /^dropstar\.pages: must be a mapping/],
    ];
    for (const [settings, message] of cases) {
      const e = failure(() => parse(settings));
      expect(e.code, JSON.stringify(settings)).toBe('PB_ERR_VALIDATION');
      expect(e.message, JSON.stringify(settings)).toMatch(message);
      expect(e.location?.file).toBe(path.join(dir, 'site.yaml'));
    }
  });
});

describe('auth', () => {
  const fail = (p: readonly (string | number)[], m: string): never => {
    throw new Error(`${p.join('.')}: ${m}`);
  };
  const ctx = { pipeData: { t: 'from-pipe-data-0123456789' }, baseDir: dir, fail };

  it('takes exactly one of token, token_file, users; tokens of 16+ characters; scrypt hashes only', async () => {
    writeFileSync(path.join(dir, 'token'), '  file-token-0123456789\n');
    expect(parseAuth({ token: '%(t)s' }, ctx).kind).toBe('token');
    expect(parseAuth({ token_file: 'token' }, ctx).kind).toBe('token');
    expect(() => parseAuth({ token: 'short' }, ctx)).toThrow(/token: a token must be at least 16 characters/);
    expect(() => parseAuth({ token: 'x'.repeat(20), users: {} }, ctx)).toThrow(/exactly one of token, token_file, users/);
    expect(() => parseAuth({ users: { a: 'plain-text' } }, ctx)).toThrow(/users\.a: must be a hash like scrypt\$/);
    expect(() => parseAuth({ token_file: 'missing' }, ctx)).toThrow(/token_file: cannot read/);
    expect(() => parseAuth({ password: 'x' }, ctx)).toThrow(/password: unknown auth setting/);
    const hash = await hashPassword('pw', { N: 1024 });
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(parseScryptHash(hash)?.N).toBe(1024);
    expect(parseScryptHash('scrypt$1000$8$1$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA==')).toBeUndefined(); // N not a power of 2
  });

  it('checks tokens from the header, the cookie or the query; users by Basic credentials', async () => {
    const token = new Authenticator(parseAuth({ token: 'token-0123456789abcdef' }, ctx), () => 0);
    expect(await token.check('Bearer token-0123456789abcdef', undefined, undefined)).toEqual({ ok: true, user: undefined });
    expect(await token.check(undefined, 'token-0123456789abcdef', undefined)).toMatchObject({ ok: true });
    expect(await token.check(undefined, undefined, 'token-0123456789abcdef')).toMatchObject({ ok: true });
    expect(await token.check('Bearer token-0123456789abcdeF', undefined, undefined)).toMatchObject({ ok: false });
    expect(await token.check('Basic dG9rZW4=', undefined, undefined)).toMatchObject({ ok: false, challenge: 'Bearer realm="dropSTAR"' });

    const users = new Authenticator(parseAuth({ users: { bob: await hashPassword('s3cret:with:colons', { N: 1024 }) } }, ctx), () => 0);
    const basic = (u: string, p: string): string => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
    expect(await users.check(basic('bob', 's3cret:with:colons'), undefined, undefined)).toEqual({ ok: true, user: 'bob' });
    expect(await users.check(basic('bob', 's3cret:with:colons'), undefined, undefined)).toEqual({ ok: true, user: 'bob' });
    expect(await users.check(basic('bob', 'nope'), undefined, undefined)).toMatchObject({ ok: false });
    expect(await users.check(basic('eve', 's3cret:with:colons'), undefined, undefined)).toMatchObject({ ok: false });
    expect(await users.check('Bearer x', undefined, undefined)).toMatchObject({ ok: false, challenge: expect.stringMatching(/^Basic/) });
  });
});
