/** The pure request/response rules of dropSTAR: security checks, request fields, response fields, static paths. */
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { fieldsFromParams, parseCookies, queryFields, requestFields, requestHeaders } from '../../src/web/request-input.js';
import { applyResponseFields } from '../../src/web/response-fields.js';
import { hostAllowed, hostName, hostPolicy, isLoopbackAddress, sameOrigin } from '../../src/web/security.js';
import { notModified, resolveStaticFile, safeSegments, weakEtag } from '../../src/web/static-files.js';
import { mimeType } from '../../src/web/mime.js';

describe('security', () => {
  it('loopback names and Host parsing', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackAddress(h), h).toBe(true);
    for (const h of ['0.0.0.0', '10.0.0.1', 'example.org', '::', '128.0.0.1']) expect(isLoopbackAddress(h), h).toBe(false);
    expect(hostName('[::1]:8080')).toBe('::1');
    expect(hostName('Example.org:80')).toBe('example.org');
    expect(hostName('127.0.0.1')).toBe('127.0.0.1');
  });

  it('a loopback server answers loopback Host names and allowed_hosts only; others any Host unless listed', () => {
    const loop = hostPolicy('127.0.0.1', []);
    expect(hostAllowed('127.0.0.1:8080', loop)).toBe(true);
    expect(hostAllowed('localhost:1', loop)).toBe(true);
    expect(hostAllowed('attacker.example:8080', loop)).toBe(false);
    expect(hostAllowed('', loop)).toBe(false);
    expect(hostAllowed('dash.internal:80', hostPolicy('127.0.0.1', ['dash.internal']))).toBe(true);
    expect(hostAllowed('anything:1', hostPolicy('0.0.0.0', []))).toBe(true);
    const listed = hostPolicy('0.0.0.0', ['dash.example']);
    expect([hostAllowed('dash.example', listed), hostAllowed('other.example', listed)]).toEqual([true, false]);
  });

  it('state-changing requests must come from this origin, or from no page at all', () => {
    const h = (o: Record<string, string>): Headers => new Headers(o);
    expect(sameOrigin('GET', h({ origin: 'http://evil.example' }), 'a:1')).toBe(true);
    expect(sameOrigin('POST', h({}), 'a:1')).toBe(true);
    expect(sameOrigin('POST', h({ origin: 'http://a:1' }), 'a:1')).toBe(true);
    expect(sameOrigin('POST', h({ origin: 'https://a:1' }), 'a:1')).toBe(true);
    expect(sameOrigin('POST', h({ origin: 'http://a:2' }), 'a:1')).toBe(false);
    expect(sameOrigin('POST', h({ origin: 'null' }), 'a:1')).toBe(false);
    expect(sameOrigin('DELETE', h({ 'sec-fetch-site': 'same-site' }), 'a:1')).toBe(false);
    expect(sameOrigin('POST', h({ 'sec-fetch-site': 'same-origin', origin: 'http://a:1' }), 'a:1')).toBe(true);
  });
});

describe('request fields', () => {
  it('name[] keys become lists, a repeated plain key keeps the last value, __proto__ is ignored', () => {
    const f = fieldsFromParams(new URLSearchParams('a=1&a=2&l[]=x&l[]=y&__proto__=p&__proto__[]=q&[]=z'));
    expect(f).toEqual({ a: '2', l: ['x', 'y'] });
    expect(Object.getPrototypeOf(f)).toBe(Object.prototype);
  });

  it('JSON bodies must be objects', async () => {
    const req = (body: string): Request => new Request('http://x/r?q=1', { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body });
    const query = (target: string): Readonly<Record<string, unknown>> => queryFields(target, () => new URL(target, 'http://x'));
    expect((await requestFields(req('{"a":[1]}'), query('/r?q=1'))).pipeData).toEqual({ q: '1', a: [1] });
    await expect(requestFields(req('[1]'), query('/r'))).rejects.toMatchObject({ status: 400 });
    expect((await requestFields(req(''), query('/r'))).pipeData).toEqual({});
  });

  it('query fields are frozen; pipe data is a copy the engine may change, input data stays frozen', async () => {
    const target = '/r?l[]=a&l[]=b&q=1';
    let parsed = 0;
    const url = (): URL => (parsed++, new URL(target, 'http://x'));
    expect(queryFields('/r', url)).toEqual({});
    expect(parsed).toBe(0); // no query: no URL parsed
    const query = queryFields(target, url);
    expect(query).toEqual({ l: ['a', 'b'], q: '1' });
    expect(Object.isFrozen(query) && Object.isFrozen(query.l)).toBe(true);
    const get = await requestFields(new Request(`http://x${target}`), query);
    expect(get.inputData).toBe(query);
    (get.pipeData.l as string[]).push('c');
    get.pipeData.q = '2';
    expect(query).toEqual({ l: ['a', 'b'], q: '1' });
    const post = await requestFields(
      new Request(`http://x${target}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"o":{"k":[1]}}' }),
      query,
    );
    expect(post.pipeData).toEqual({ l: ['a', 'b'], q: '1', o: { k: [1] } });
    expect(post.inputData).toEqual(post.pipeData);
    expect(Object.isFrozen(post.inputData) && Object.isFrozen((post.inputData.o as { k: unknown }).k)).toBe(true);
    expect(Object.isFrozen(post.pipeData.o)).toBe(false);
  });

  it('cookies are parsed and decoded; credentials never reach request state headers', () => {
    expect(parseCookies('a=1; b="q%20r"; a=2; bad; =x')).toEqual({ a: '1', b: 'q r' });
    expect(requestHeaders(new Headers({ Authorization: 'Basic x', Cookie: 'a=1', 'X-Y': 'z' }))).toEqual({ 'x-y': 'z' });
  });

  it("from Node's parsed header object (requests over a socket): credentials hidden, repeated headers joined, inherited keys ignored", () => {
    // Node's IncomingMessage.headers has no prototype.
    const node = Object.assign(Object.create(null) as Record<string, string | string[] | undefined>, {
      authorization: 'Bearer secret',
      cookie: 'a=1',
      'proxy-authorization': 'Basic x',
      host: 'localhost:1',
      'x-forwarded-for': ['10.0.0.1', '10.0.0.2'],
      'x-absent': undefined,
    });
    expect(requestHeaders(node)).toStrictEqual({ host: 'localhost:1', 'x-forwarded-for': '10.0.0.1, 10.0.0.2' });
    const inherited = Object.assign(Object.create({ 'x-inherited': 'no' }) as Record<string, string>, { accept: '*/*' });
    expect(requestHeaders(inherited)).toStrictEqual({ accept: '*/*' });
  });
});

describe('response fields', () => {
  it('apply status, headers and cookies by the documented rules, dropping what breaks them', () => {
    const out = applyResponseFields(
      {
        status: 302,
        headers: { Location: '/x', 'X-Num': 5, 'Set-Cookie': 'a=b', 'X-Frame-Options': 'ALLOW', 'x-bad': 'a\r\nb', 'bad name': 'v' },
        cookies: { ok: 'v 1', del: null, 'bad;name': 'x', full: { value: 1, path: '/p', domain: 'example.org', expires: 0, secure: true, http_only: false, same_site: 'None' }, weird: { value: 'x', same_site: 'Sometimes' } },
      },
      silentLogger,
    );
    expect(out.status).toBe(302);
    expect(out.headers).toEqual({ location: '/x', 'x-num': '5' });
    expect(out.cookies).toEqual([
      'ok=v%201; Path=/; HttpOnly; SameSite=Lax',
      'del=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax',
      'full=1; Path=/p; Domain=example.org; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; SameSite=None',
    ]);
    expect(applyResponseFields({ status: 99, headers: {}, cookies: {} }, silentLogger).status).toBeUndefined();
    expect(applyResponseFields({ status: '404', headers: {}, cookies: {} }, silentLogger).status).toBe(404);
  });
});

describe('static paths', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'procblock-static-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('accept plain decoded segments only', () => {
    expect(safeSegments('a/b%20c.txt')).toEqual(['a', 'b c.txt']);
    for (const bad of ['', 'a//b', '../x', 'a/./b', '%2e%2e/x', '..%2fx', 'a%2fb', 'a%5cb', 'a\\b', 'x%00', '.env', 'a/.git/config', '%E0%A4%A']) {
      expect(safeSegments(bad), bad).toBeUndefined();
    }
  });

  it('resolve to real files under the real root only', async () => {
    const base = path.join(root, 'site');
    mkdirSync(path.join(base, 'static', 'd'), { recursive: true });
    writeFileSync(path.join(base, 'static', 'f.txt'), 'f');
    writeFileSync(path.join(base, 'outside.txt'), 'o');
    symlinkSync('../outside.txt', path.join(base, 'static', 'out.txt'));
    symlinkSync('f.txt', path.join(base, 'static', 'in.txt'));
    const real = path.join(base, 'static');
    expect((await resolveStaticFile(real, 'f.txt'))?.file).toBe(path.join(real, 'f.txt'));
    expect((await resolveStaticFile(real, 'in.txt'))?.file).toBe(path.join(real, 'f.txt'));
    for (const bad of ['out.txt', 'd', 'missing.txt', '../outside.txt']) expect(await resolveStaticFile(real, bad), bad).toBeUndefined();
  });

  it('validators: If-None-Match (weak compare, lists, *) wins over If-Modified-Since', () => {
    const etag = weakEtag(10, 1_700_000_000_500);
    expect(etag).toBe(`W/"a-${Math.floor(1_700_000_000_500).toString(16)}"`);
    const h = (o: Record<string, string>): Headers => new Headers(o);
    expect(notModified(h({ 'if-none-match': `"x", ${etag.slice(2)}` }), etag, 0)).toBe(true);
    expect(notModified(h({ 'if-none-match': '*' }), etag, 0)).toBe(true);
    expect(notModified(h({ 'if-none-match': '"x"', 'if-modified-since': new Date(2e12).toUTCString() }), etag, 1_700_000_000_500)).toBe(false);
    expect(notModified(h({ 'if-modified-since': new Date(1_700_000_000_000).toUTCString() }), etag, 1_700_000_000_500)).toBe(true);
    expect(notModified(h({ 'if-modified-since': new Date(1_699_999_999_000).toUTCString() }), etag, 1_700_000_000_500)).toBe(false);
    expect([mimeType('a.HTML'), mimeType('x.woff2'), mimeType('noext'), mimeType('a.exe')]).toEqual(['text/html; charset=utf-8', 'font/woff2', 'application/octet-stream', 'application/octet-stream']);
  });
});
