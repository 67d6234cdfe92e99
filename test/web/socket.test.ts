/**
 * What needs a real socket (issue 9 point 2): request paths exactly as a client wrote them
 * (traversal attempts a URL parser would normalise away), and the size limits that Node's HTTP
 * parser and the server enforce before any route: 413, 414, 431.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, startTestSite, type RunningSite } from './site-fixture.js';

let s: RunningSite;
beforeAll(async () => {
  s = await startTestSite();
});
afterAll(async () => {
  await s?.close();
});

const HOST = (): string => `Host: ${new URL(s.url).host}`;
const get = (target: string, extra = ''): ReturnType<typeof rawRequest> => rawRequest(s.url, `GET ${target} HTTP/1.1\r\n${HOST()}${extra}`);

describe('static files', () => {
  it('are served under /static/ with a MIME type, ETag and Last-Modified, and 304 when unchanged', async () => {
    const res = await get('/static/hello.txt');
    expect([res.status, res.headers['content-type'], res.body]).toEqual([200, 'text/plain; charset=utf-8', 'hello static\n']);
    expect(res.headers['etag']).toMatch(/^W\/"/);
    expect((await get('/static/hello.txt', `\r\nIf-None-Match: ${res.headers['etag']}`)).status).toBe(304);
    expect((await get('/static/hello.txt', `\r\nIf-Modified-Since: ${res.headers['last-modified']}`)).status).toBe(304);
    expect((await get('/static/sub/inner.json')).headers['content-type']).toBe('application/json; charset=utf-8');
    expect((await get('/static/style.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get('/static/link-in.txt')).body).toBe('hello static\n');
    expect((await get('/static/hello%2Etxt')).status).toBe(200);
  });

  it('refuse traversal, dotfiles and symlinks out of the folder with 404, never showing those files', async () => {
    const attempts = [
      '/static/../secret.txt',
      '/static/%2e%2e/secret.txt',
      '/static/%2E%2E/secret.txt',
      '/static/..%2fsecret.txt',
      '/static/..%2Fsecret.txt',
      '/static/sub/..%2f..%2fsecret.txt',
      '/static/%5c..%5csecret.txt',
      '/static/..%5csecret.txt',
      '/static/hello.txt%00.png',
      '/static/%00',
      '/static/.hidden',
      '/static/%2ehidden',
      '/static/.git/config',
      '/static/sub/../.hidden',
      '/static/link-out.txt',
      '/static/link-hidden.txt',
      '/static/up/secret.txt',
      '/static/up/site.yaml',
      '/static/',
      '/static/sub',
      '/static//etc/passwd',
      '/static/%2fetc%2fpasswd',
      '/static/%ff',
    ];
    for (const target of attempts) {
      const res = await get(target);
      expect(res.status, target).toBe(404);
      for (const leak of ['TOP SECRET', 'hidden', '[core]', 'root:', '__usage']) expect(res.body, target).not.toContain(leak);
    }
  });
});

describe('limits', () => {
  it('a body over max_body gets 413, with Content-Length and chunked', async () => {
    const big = 'x'.repeat(2000);
    const json = JSON.stringify({ big });
    const sized = await rawRequest(s.url, `POST /rpc/echo HTTP/1.1\r\n${HOST()}\r\nContent-Type: application/json\r\nContent-Length: ${json.length}`, json);
    expect(sized.status).toBe(413);
    const chunked = await rawRequest(
      s.url,
      `POST /rpc/echo HTTP/1.1\r\n${HOST()}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked`,
      `${json.length.toString(16)}\r\n${json}\r\n0\r\n\r\n`,
    );
    expect(chunked.status).toBe(413);
    const small = JSON.stringify({ a: 1 });
    expect((await rawRequest(s.url, `POST /rpc/echo HTTP/1.1\r\n${HOST()}\r\nContent-Type: application/json\r\nContent-Length: ${small.length}`, small)).status).toBe(200);
  });

  it('a URL over max_url gets 414; headers over max_headers get 431', async () => {
    expect((await get(`/hello?name=${'a'.repeat(9000)}`)).status).toBe(414);
    expect((await get(`/hello?name=${'a'.repeat(7000)}`)).status).toBe(200);
    expect((await get('/hello', `\r\nX-Big: ${'b'.repeat(20_000)}`)).status).toBe(431);
    expect((await get('/hello', `\r\nX-Fine: ${'b'.repeat(4000)}`)).status).toBe(200);
  });
});
