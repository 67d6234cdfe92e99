/**
 * dropSTAR requests as block runs (SPEC §7, issue 9 point 2), through `app.request()` against a
 * site served by a real runtime: pages, RPC, escaping, response fields, the same-origin check,
 * failures that stay per request, graphs, `/events`, authentication, site swaps.
 */
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, parseAuth } from '../../dist/web/auth.js';
import { EventsHub } from '../../dist/web/events-hub.js';
import { DropstarSite } from '../../dist/web/site.js';
import { startTestSite, type RunningSite } from './site-fixture.js';

let s: RunningSite;
const get = (path: string, init?: RequestInit): Promise<Response> => Promise.resolve(s.site().app.request(path, init));
const postJson = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  get(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

beforeAll(async () => {
  s = await startTestSite();
});
afterAll(async () => {
  await s?.close();
});

describe('pages', () => {
  it('render their template inside the tabs layout, under their name and aliases, with the security headers', async () => {
    for (const path of ['/hello?name=Ann', '/?name=Ann', '/index?name=Ann', '/greet/again?name=Ann']) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const html = await res.text();
      expect(html).toContain('<p id="greeting">Hello Ann</p>');
      expect(html).toContain('<a href="/hello" aria-current="page">Hello</a>');
      expect(html).toContain('<script src="/_dropstar/client.js" defer></script>');
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    }
  });

  it('escape a <script> given in the query; %(key|raw)s is the one raw form', async () => {
    const html = await (await get('/hello?name=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22')).text();
    expect(html).toContain('Hello &lt;script&gt;alert(1)&lt;/script&gt;&quot;');
    expect(html).not.toContain('<script>alert(1)');
    const raw = await (await get('/raw')).text();
    expect(raw).toContain('<div id="raw"><b>bold</b></div><p id="escaped">&lt;b&gt;bold&lt;/b&gt;</p>');
  });

  it('without a template show the result as a list; a whole document is served as it is', async () => {
    expect(await (await get('/plain')).text()).toMatch(/<dt>run<\/dt><dd id="run">[^<]*&quot;a&quot;: 1/);
    const whole = await (await get('/whole')).text();
    expect(whole).toBe('<!doctype html><html><head><title>own</title></head><body>own document</body></html>');
  });

  it('set status, headers and cookies through requestState.response; security headers cannot be replaced', async () => {
    const res = await get('/respond');
    expect(res.status).toBe(201);
    expect(res.headers.get('x-made-by')).toBe('respond.ts');
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'self'/);
    const cookies = res.headers.getSetCookie();
    expect(cookies).toContain('theme=dark; Path=/; HttpOnly; SameSite=Lax');
    expect(cookies).toContain('seen=a%20b; Path=/; Max-Age=60; HttpOnly; SameSite=Strict');
    expect(cookies).toContain('old=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax');
    expect(s.logs.some((r) => r.level === 'warn' && /header "bad header" ignored/.test(r.msg))).toBe(true);
  });

  it('HEAD has no body; unknown paths are 404 and other methods 405', async () => {
    const head = await get('/hello', { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
    const missing = await get('/nope');
    expect(missing.status).toBe(404);
    const id = missing.headers.get('x-request-id') as string;
    expect(id).toMatch(/^r/);
    expect(await missing.text()).toContain(`Request ${id}`);
    expect((await get('/hello', { method: 'DELETE' })).status).toBe(405);
    const put = await get('/rpc/echo', { method: 'PUT' });
    expect([put.status, put.headers.get('allow')]).toEqual([405, 'GET, HEAD, POST']);
  });
});

describe('RPC', () => {
  it('GET: query fields are pipe and input data, name[] keys become lists, __ keys are left out', async () => {
    const res = await get('/rpc/echo?x=1&l[]=a&l[]=b&x=2');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ echoed: { x: '2', l: ['a', 'b'] }, method: 'GET', page: 'echo' });
    expect(text).not.toContain('__');
    expect(await (await get('/rpc/data')).json()).toEqual({ answer: 42, list: [1, 2], nested: { shown: true } });
  });

  it('POST: JSON, form and multipart bodies; other body types 415, bad JSON 400', async () => {
    expect(await (await postJson('/rpc/echo?q=1', { a: 1, b: [true] })).json()).toMatchObject({ echoed: { q: '1', a: 1, b: [true] }, method: 'POST' });
    const form = await get('/rpc/echo', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1&t[]=x&t[]=y' });
    expect(await form.json()).toMatchObject({ echoed: { a: '1', t: ['x', 'y'] } });
    const fd = new FormData();
    fd.append('m', 'multi');
    expect(await (await get('/rpc/echo', { method: 'POST', body: fd })).json()).toMatchObject({ echoed: { m: 'multi' } });
    expect((await get('/rpc/echo', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' })).status).toBe(415);
    const bad = await get('/rpc/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { status: 400 } });
  });

  it('scripts see cookies but never the Authorization header', async () => {
    const res = await get('/rpc/echo', { headers: { cookie: 'a=1; b=x%20y', authorization: 'Bearer secret' } });
    expect(await res.json()).toMatchObject({ cookies: { a: '1', b: 'x y' }, sawAuthorization: false });
  });

  it('a cross-origin POST is refused before it runs', async () => {
    expect((await postJson('/rpc/bump', {}, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await postJson('/rpc/bump', {}, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await postJson('/rpc/bump', {}, { origin: 'null' })).status).toBe(403);
    expect(await (await get('/rpc/bump')).json()).toEqual({ bumps: 0 });
    expect(await (await postJson('/rpc/bump', {}, { origin: 'http://localhost', 'sec-fetch-site': 'same-origin' })).json()).toEqual({ bumps: 1 });
    expect(await (await postJson('/rpc/bump', {})).json()).toEqual({ bumps: 2 }); // a program, not a page
  });
});

describe('failures stay per request', () => {
  it('a page whose script throws gets a 500 without stack, message or paths, and the next request succeeds', async () => {
    for (const [path, type] of [['/fails', 'text/html'], ['/rpc/fails', 'application/json']] as const) {
      const res = await get(path);
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toContain(type);
      const body = await res.text();
      for (const leak of ['secret failure detail', 'throws.ts', s.dir, '    at ', 'Error']) expect(body).not.toContain(leak);
    }
    expect(s.logs.some((r) => r.level === 'error' && r.msg.includes('secret failure detail') && r.msg.includes('throws.ts'))).toBe(true);
    expect((await get('/hello')).status).toBe(200);
  });

  it('a hanging script gives 504 at its timeout; its worker is replaced and the next script page works', async () => {
    const res = await get('/hangs');
    expect(res.status).toBe(504);
    expect(await res.text()).not.toContain('hang.ts');
    expect(await (await get('/raw')).text()).toContain('<b>bold</b>');
  });
});

/** Read the stream until `want` appears in it. */
async function readUntil(res: Response, want: RegExp): Promise<string> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!want.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
  }
  await reader.cancel();
  return text;
}

describe('graphs', () => {
  it('render a declared graph on demand as PNG, with ETag/304, period and size bounds', async () => {
    const res = await get('/graph/ticks.png?period=1d&width=300&height=100');
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'image/png']);
    const png = PNG.sync.read(Buffer.from(await res.arrayBuffer()));
    expect(png.width).toBeGreaterThan(300);
    const etag = res.headers.get('etag') as string;
    expect((await get('/graph/ticks.png?period=1d&width=300&height=100', { headers: { 'if-none-match': etag } })).status).toBe(304);
    // Periods: the named ones (1m = a month) and any duration from a minute to ten years.
    for (const ok of ['1m', '1y', '2h', '3mo']) expect((await get(`/graph/ticks.png?period=${ok}`)).status).toBe(200);
    for (const bad of ['30s', '11y', 'soon', '']) expect((await get(`/graph/ticks.png?period=${bad}`)).status).toBe(400);
    expect((await get('/graph/ticks.png?width=20000')).status).toBe(400);
    expect((await get('/graph/ticks.png?height=5')).status).toBe(400);
    expect((await get('/graph/nope.png')).status).toBe(404);
    expect((await get('/graph/ticks.jpg')).status).toBe(404);
  });

  it('list the graphs as JSON, and give the rrd info of the file behind each, without its folders', async () => {
    const list = (await (await get('/graph/')).json()) as { graphs: Record<string, unknown>[] };
    expect(list.graphs.find((g) => g.name === 'ticks')).toMatchObject({ title: 'Ticks', thread: 'ticker', file: 'ticks.rrd', period: 3600 });
    expect(typeof list.graphs.find((g) => g.name === 'ticks')?.last_update).toBe('number');
    const res = await get('/graph/ticks.json');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const info = (await res.json()) as { filename: string; step: number; ds: { name: string; type: string }[]; rra: { cf: string }[] };
    expect(info.filename).toBe('ticks.rrd');
    expect(info.step).toBe(1);
    expect(info.ds.map((d) => [d.name, d.type])).toEqual([['n', 'GAUGE']]);
    expect(info.rra.map((r) => r.cf)).toContain('AVERAGE');
    expect(JSON.stringify(info)).not.toContain(s.dir);
    expect((await get('/graph/nope.json')).status).toBe(404);
  });

  it('serve the graphs of a key: collect, one per entry, from the tick that first sees the entry', async () => {
    const before = (await (await get('/graph/')).json()) as { graphs: { name: string }[] };
    expect(before.graphs.map((g) => g.name)).not.toContain('dev-sda');
    expect((await get('/graph/dev-sda.png')).status).toBe(404);

    // The first tick of `devices` that sees these keys names their new graphs in its event.
    const events = await get('/events?topics=thread:devices');
    const seen = readUntil(events, /"fields":\{"devices":\{[^\n]*"a b\/c"[^\n]*\n/);
    await s.runtime.unidist.state.set('devices', 'sda', 3);
    await s.runtime.unidist.state.set('devices', 'a b/c', 4);
    const tick = (await seen).split('\n').filter((l) => l.includes('"a b/c"'))[0] as string;
    expect((JSON.parse(tick.replace(/^data: /, '')) as { graphs: string[] }).graphs.sort()).toEqual(['dev-a_b_c', 'dev-sda']);

    const after = (await (await get('/graph/')).json()) as { graphs: Record<string, unknown>[] };
    expect(after.graphs.find((g) => g.name === 'dev-sda')).toMatchObject({ title: 'Device sda', thread: 'devices', entry: 'sda', file: 'dev-sda.rrd' });
    expect(after.graphs.find((g) => g.name === 'dev-a_b_c')).toMatchObject({ title: 'Device a b/c', entry: 'a b/c', file: 'dev-a_b_c.rrd' });
    const png = await get('/graph/dev-sda.png?period=1d');
    expect([png.status, png.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect(PNG.sync.read(Buffer.from(await png.arrayBuffer())).width).toBeGreaterThan(100);
    const info = (await (await get('/graph/dev-sda.json')).json()) as { filename: string; ds: { name: string; lastDs: string }[] };
    expect(info.filename).toBe('dev-sda.rrd');
    expect(info.ds.map((d) => d.name)).toEqual(['v']);
    expect((await get('/graph/dev-sdb.png')).status).toBe(404);
  });
});

describe('/events', () => {

  it('streams RunThread ticks with their graphs, and the counter and queue changes a page subscribes to', async () => {
    const ticks = await get('/events');
    expect(ticks.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(await readUntil(ticks, /event: tick\ndata: \{"thread":"ticker","time":[\d.]+,"fields":\{"n":\d+\},"graphs":\["ticks"\]\}\n\n/)).toMatch(/event: tick/);

    const res = await get('/events?topics=counter:hits,queue:*');
    const text = readUntil(res, /event: queue\ndata: \{"name":"q","message":\{"m":1\},"length":1\}/);
    await s.runtime.unidist.counter.increment('other');
    await s.runtime.unidist.counter.increment('hits', 5);
    await s.runtime.unidist.queue.add('q', { m: 1 });
    const got = await text;
    expect(got).toContain('event: counter\ndata: {"name":"hits","value":5}');
    expect(got).not.toContain('"other"');
    expect((await get('/events?topics=nonsense:x')).status).toBe(400);
  });
});

describe('/metrics', () => {
  it("serves the runtime's Prometheus metrics (the same registry as --metrics) with the security headers; HEAD has no body", async () => {
    // The ticker thread's field, updated after each of its ticks once the host made the metrics.
    await expect.poll(async () => (await (await get('/metrics')).text()).match(/^procblock_field_value\{block="site",thread="ticker",field="n"\} (\S+)$/m)?.[1] ?? 'none', { timeout: 20_000 }).toMatch(/^\d+$/);
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    const text = await res.text();
    expect(text).toMatch(/^procblock_run_thread_runs_total\{block="site",thread="ticker"\} [1-9]\d*$/m);
    expect(await s.view.metrics()).toBe(await s.runtime.metrics());
    const head = await get('/metrics', { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
    expect((await get('/metrics', { method: 'POST' })).status).toBe(405);
  });

  it('follows the site\'s auth: 401 without the token, 200 with the bearer token (as Prometheus sends it) or HTTP Basic', async () => {
    const site = siteWith({ token: 'a-long-enough-token-1234' });
    const req = (headers: Record<string, string> = {}): Promise<Response> => Promise.resolve(site.app.request('/metrics', { headers }));
    const denied = await req();
    expect([denied.status, denied.headers.get('www-authenticate')]).toEqual([401, 'Bearer realm="dropSTAR"']);
    expect(await denied.text()).not.toContain('procblock_');
    const ok = await req({ authorization: 'Bearer a-long-enough-token-1234' });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('procblock_run_thread_runs_total{block="site",thread="ticker"}');
    const users = siteWith({ users: { prom: await hashPassword('scraper', { N: 1024 }) } });
    const basic = `Basic ${Buffer.from('prom:scraper').toString('base64')}`;
    expect((await users.app.request('/metrics')).status).toBe(401);
    expect((await users.app.request('/metrics', { headers: { authorization: basic } })).status).toBe(200);
  });
});

describe('the gate before every route', () => {
  it('answers only loopback Host names when bound to loopback (DNS rebinding)', async () => {
    expect((await get('http://evil.example/hello')).status).toBe(421);
    expect((await get('http://127.0.0.1:9/hello')).status).toBe(200);
    expect((await get('http://[::1]/hello')).status).toBe(200);
  });

  it('/healthz reports requests in flight and /events streams', async () => {
    expect(await (await get('/healthz')).json()).toMatchObject({ status: 'ok', requests_in_flight: expect.any(Number), event_streams: expect.any(Number) });
  });

  it('with a token: 401 without it, the bearer token or the cookie set from ?token= let in', async () => {
    const site = siteWith({ token: 'a-long-enough-token-1234' });
    const req = (path: string, headers: Record<string, string> = {}): Promise<Response> => Promise.resolve(site.app.request(path, { headers }));
    const denied = await req('/hello');
    expect([denied.status, denied.headers.get('www-authenticate')]).toEqual([401, 'Bearer realm="dropSTAR"']);
    expect((await req('/rpc/data', { authorization: 'Bearer wrong-token-wrong-token' })).status).toBe(401);
    expect((await req('/rpc/data', { authorization: 'Bearer a-long-enough-token-1234' })).status).toBe(200);
    const login = await req('/hello?token=a-long-enough-token-1234&name=x');
    expect([login.status, login.headers.get('location')]).toEqual([303, '/hello?name=x']);
    const cookie = (login.headers.get('set-cookie') as string).split(';')[0] as string;
    expect((await req('/hello', { cookie })).status).toBe(200);
    expect((await req('/healthz')).status).toBe(200);
  });

  it('with users: HTTP Basic against scrypt hashes; scripts see the user', async () => {
    const site = siteWith({ users: { alice: await hashPassword('wonderland', { N: 1024 }) } });
    const basic = (user: string, pass: string): Record<string, string> => ({ authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });
    const req = (headers: Record<string, string>): Promise<Response> => Promise.resolve(site.app.request('/rpc/echo', { headers }));
    const denied = await req({});
    expect([denied.status, denied.headers.get('www-authenticate')]).toEqual([401, 'Basic realm="dropSTAR", charset="UTF-8"']);
    expect((await req(basic('alice', 'wrong'))).status).toBe(401);
    expect((await req(basic('mallory', 'wonderland'))).status).toBe(401);
    const ok = await req(basic('alice', 'wonderland'));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ user: 'alice' });
  });
});

describe('a client that goes away', () => {
  it("aborts its request's run (the script's ctx.signal); other connections are not affected", async () => {
    const { connect } = await import('node:net');
    const u = new URL(s.url);
    const socket = connect(Number(u.port), u.hostname);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const logged = (text: string): boolean => s.logs.some((r) => r.msg.includes(text));
    socket.write(`GET /rpc/waits HTTP/1.1\r\nHost: ${u.host}\r\n\r\n`);
    await expect.poll(() => logged('waits.ts started'), { timeout: 10_000 }).toBe(true);
    socket.destroy();
    await expect.poll(() => logged('waits.ts aborted: the client went away'), { timeout: 10_000 }).toBe(true);
    // Another connection's requests are untouched.
    expect((await fetch(new URL('/rpc/data', s.url))).status).toBe(200);
  });
});

describe('keep-alive', () => {
  it('an idle connection is announced for 65 s and kept: requests apart on one socket', async () => {
    const http = await import('node:http');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    const get = (): Promise<string | undefined> =>
      new Promise((resolve, reject) => {
        http
          .get(new URL('/rpc/data', s.url), { agent }, (res) => {
            sockets.add(res.socket);
            res.resume();
            res.on('end', () => resolve(res.headers['keep-alive'] as string | undefined));
          })
          .on('error', reject);
      });
    try {
      expect(await get()).toBe('timeout=65');
      // The socket went back to the agent's free list: the next request, started after the first
      // ended, goes out on it.
      expect(await get()).toBe('timeout=65');
      expect(sockets.size).toBe(1);
    } finally {
      agent.destroy();
    }
  });
});

describe('site swaps (hot reload)', () => {
  it('switch pages for new requests while a request in flight finishes on the old site', async () => {
    const server = s.host.current;
    if (!server) throw new Error('no server');
    const before = server.currentSite;
    const inFlight = fetch(new URL('/hangs', s.url));
    await expect.poll(() => server.requestsInFlight).toBeGreaterThan(0);
    const config = { ...before.config, pages: before.config.pages.filter((p) => p.name !== 'hangs') };
    server.replaceSite(new DropstarSite({ config, runtime: s.view, hub: new EventsHub({ events: s.view.events, clock: s.view.clock, logger: s.view.logger, maxClients: 10 }), nextRequestId: () => 'swap' }));
    expect((await fetch(new URL('/hangs', s.url))).status).toBe(404);
    expect((await inFlight).status).toBe(504);
    server.replaceSite(before);
  });
});

function siteWith(auth: Record<string, unknown>): DropstarSite {
  const base = s.site();
  const config = { ...base.config, auth: parseAuth(auth, { pipeData: {}, baseDir: s.dir, fail: (p, m) => { throw new Error(`${p.join('.')}: ${m}`); } }) };
  return new DropstarSite({ config, runtime: s.view, hub: new EventsHub({ events: s.view.events, clock: s.view.clock, logger: s.view.logger, maxClients: 10 }), nextRequestId: () => 'auth' });
}
