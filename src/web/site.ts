/**
 * A `DropstarSite`: the Hono application for one loaded block's `dropstar:` settings (SPEC §7).
 * It is a pure request → response function (`fetch`), testable with `app.request()`; the
 * server (server.ts) owns the socket and can swap one site for another while it keeps
 * listening, which is how hot reload switches pages atomically: a request runs to its end on
 * the site it started on.
 *
 * Every request passes, in order: the Host check (421), authentication (401, except
 * `/healthz`; `/metrics` included, see metrics-route.ts), the same-origin check on POST (403),
 * the route; every response is made by `respond` (site-context.ts: security headers,
 * `X-Request-Id` on errors) and gets one access-log line at info (method, path, status, ms,
 * request id).
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { assets } from './assets.js';
import { pageResponse, rpcResponse, type RequestInfo } from './block-routes.js';
import type { DropstarConfig, PageSpec } from './config.js';
import { EVENT_STREAM_HEADERS, parseTopics, type DirectOut, type EventsHub } from './events-hub.js';
import { GraphRenderer } from './graph-route.js';
import { renderIndex, renderLayout } from './layout.js';
import { Authenticator, TOKEN_COOKIE } from './auth.js';
import { parseCookies, queryFields } from './request-input.js';
import { hostAllowed, hostPolicy, sameOrigin, type HostPolicy } from './security.js';
import { Deadlines } from './deadlines.js';
import { errorResponse, respond, type SiteContext } from './site-context.js';
import { serveStatic } from './static-files.js';
import { metricsRoute } from './metrics-route.js';
import { IdTable } from '../core/id-table.js';
import type { RrdInfo, WebRuntime } from '../runtime/web-host.js';

type Env = { Variables: { info: Info } };

type NodeSocket = WatchedSocket & { readonly remoteAddress?: string | undefined };

/** Bindings @hono/node-server passes as the second `fetch` argument. */
interface NodeBindings {
  readonly incoming?: {
    readonly socket?: NodeSocket;
    readonly headers?: Readonly<Record<string, string | string[] | undefined>>;
  };
  readonly outgoing?: DirectOut;
}

export interface SiteOptions {
  readonly config: DropstarConfig;
  readonly runtime: WebRuntime;
  /** The server's `/events` hub (it outlives site swaps). */
  readonly hub: EventsHub;
  /** Request ids are unique per server, across sites. */
  readonly nextRequestId: () => string;
  /** Figures `/healthz` adds to `{status: "ok"}` (requests in flight, open `/events` streams). */
  readonly health?: (() => Readonly<Record<string, number>>) | undefined;
}

/** What the routes know of a request; the URL is parsed only when a route needs it. */
class Info implements RequestInfo {
  readonly remote: string;
  readonly nodeHeaders: RequestInfo['nodeHeaders'];
  private readonly outgoing: NodeBindings['outgoing'];
  private readonly socket: NodeSocket | undefined;
  user: string | undefined;
  private parsed: URL | undefined;

  constructor(
    readonly id: string,
    private readonly request: Request,
    bindings: NodeBindings | undefined,
  ) {
    this.socket = bindings?.incoming?.socket;
    this.remote = this.socket?.remoteAddress ?? '';
    this.nodeHeaders = bindings?.incoming?.headers;
    this.outgoing = bindings?.outgoing;
  }

  /** The Node response, when the request came over a socket (`/events` writes to it). */
  get response(): DirectOut | undefined {
    return this.outgoing;
  }

  get onClientGone(): RequestInfo['onClientGone'] {
    return clientGone(this.socket);
  }

  get url(): URL {
    // @hono/node-server builds the request URL from the Host header: its authority is the Host.
    return (this.parsed ??= new URL(this.request.url));
  }

  get pathname(): string {
    return this.parsed ? this.parsed.pathname : pathOf(this.request.url);
  }

  get query(): RequestInfo['query'] {
    return queryFields(this.request.url, () => this.url);
  }

  get host(): string {
    const h = this.nodeHeaders?.host;
    return typeof h === 'string' ? h.toLowerCase() : this.url.host;
  }
}

/**
 * The path of a request URL as `new URL(url).pathname` gives it: the request's URL is already
 * in that form (the Request constructor, or @hono/node-server, which keeps a target only when
 * parsing would not change it), so the path is the text from the first `/` after the
 * authority to the first `?` or `#`.
 */
function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start < 0) return '/';
  let end = url.length;
  for (let i = start; i < url.length; i++) {
    const ch = url.charCodeAt(i);
    if (ch === 63 || ch === 35) {
      end = i;
      break;
    }
  }
  return url.slice(start, end);
}

const WATCHERS = Symbol('procblock.clientGone');

interface WatchedSocket {
  [WATCHERS]?: IdTable<() => void>;
  once(event: 'close', fn: () => void): unknown;
}

/**
 * Client-gone watching per connection, not per request: one 'close' listener on the socket
 * (added on its first request) calls the watchers of the requests in flight on it. A request
 * adds and removes its watcher (a set operation each) instead of a listener on its response.
 */
function clientGone(socket: WatchedSocket | undefined): RequestInfo['onClientGone'] {
  if (!socket) return undefined;
  return (fn) => {
    const watchers = socket[WATCHERS] ?? watchClose(socket);
    const id = watchers.add(fn);
    return () => void watchers.delete(id);
  };
}

/** The socket's table of watchers, and its one 'close' listener that calls them. */
function watchClose(socket: WatchedSocket): IdTable<() => void> {
  const table = (socket[WATCHERS] = new IdTable());
  socket.once('close', () => {
    for (const id of table.ids()) {
      const w = table.get(id);
      table.delete(id);
      w?.();
    }
  });
  return table;
}

export class DropstarSite {
  readonly app: Hono<Env>;
  readonly config: DropstarConfig;
  private readonly ctx: SiteContext;
  private readonly graphs: GraphRenderer;
  private readonly auth: Authenticator | undefined;
  private readonly hosts: HostPolicy;
  private readonly pagesByPath = new Map<string, PageSpec>();
  private readonly indexPage: PageSpec | undefined;

  constructor(private readonly options: SiteOptions) {
    const { config, runtime } = options;
    this.config = config;
    this.ctx = { config, runtime, clock: runtime.clock, logger: runtime.logger, deadlines: new Deadlines(runtime.clock) };
    this.graphs = new GraphRenderer(runtime, runtime.clock);
    this.auth = config.auth ? new Authenticator(config.auth, () => runtime.clock.now()) : undefined;
    this.hosts = hostPolicy(config.host, config.allowedHosts);
    for (const page of config.pages) for (const p of [page.name, ...page.aliases]) this.pagesByPath.set(p, page);
    this.indexPage = this.pagesByPath.get('') ?? this.pagesByPath.get('index') ?? config.pages[0];
    this.app = this.build();
  }

  /** The request handler (`app.fetch`). */
  readonly fetch = (request: Request, bindings?: unknown): Response | Promise<Response> => this.app.fetch(request, bindings);

  private build(): Hono<Env> {
    const app = new Hono<Env>();
    const { logger, clock } = this.ctx;
    const logAccess = logger.enabled?.('info') !== false;
    const json = (c: Context<Env>, status: number, detail?: string): Response => errorResponse(status, c.get('info').id, 'json', detail);
    const html = (c: Context<Env>, status: number, detail?: string): Response => errorResponse(status, c.get('info').id, 'html', detail);

    app.use('*', async (c, next) => {
      const start = logAccess ? clock.now() : 0;
      const bindings = c.env as NodeBindings | undefined;
      const info = new Info(this.options.nextRequestId(), c.req.raw, bindings);
      c.set('info', info);
      // The gate is asynchronous only with `auth` (a hashed password check): no await without it.
      const gated = this.gate(c, info);
      const refused = gated instanceof Promise ? await gated : gated;
      if (refused) c.res = refused;
      else await next();
      if (logAccess) logger.info(`${c.req.method} ${c.req.path} ${c.res.status} ${(clock.now() - start).toFixed(1)} ms`, { remote: info.remote, request: info.id });
    });

    app.on(['GET', 'HEAD'], '/healthz', (c) =>
      respond(c.get('info').id, 200, JSON.stringify({ status: 'ok', ...this.options.health?.() }), { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }),
    );
    app.on(['GET', 'HEAD'], '/favicon.ico', (c) => this.asset(c, 'favicon.svg'));
    app.on(['GET', 'HEAD'], '/_dropstar/:file', (c) => this.asset(c, c.req.param('file')));

    app.get('/events', async (c) => {
      const filter = parseTopics(c.req.query('topics') ?? null);
      if (typeof filter === 'string') return json(c, 400, filter);
      // HEAD gets the head only: no response to write events to.
      const stream = this.options.hub.open(filter, c.req.method === 'GET' ? c.get('info').response : undefined);
      if (!stream) return json(c, 503, 'Too many /events clients, or the server is stopping.');
      // The browser's EventSource opens on these headers: from then on no change is missed.
      await this.options.hub.ready();
      return respond(c.get('info').id, 200, stream, { ...EVENT_STREAM_HEADERS });
    });

    const jsonHeaders = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
    app.on(['GET', 'HEAD'], '/graph/', (c) =>
      respond(c.get('info').id, 200, c.req.method === 'HEAD' ? null : JSON.stringify({ graphs: this.graphs.catalog() }), jsonHeaders),
    );
    // One route for `<name>.json` and `<name>.png`: a parameter pattern of its own would keep Hono
    // from its RegExpRouter (one regular expression for every route) and on the slower trie.
    app.on(['GET', 'HEAD'], '/graph/:file', async (c) => {
      const file = c.req.param('file');
      if (file.endsWith('.json')) {
        const info = await this.graphs.info(file.slice(0, -5));
        if (!info) return json(c, 404, 'No such graph, or its file does not exist yet.');
        return respond(c.get('info').id, 200, c.req.method === 'HEAD' ? null : infoJson(info), jsonHeaders);
      }
      if (!file.endsWith('.png')) return html(c, 404);
      const r = await this.graphs.render(file.slice(0, -4), c.get('info').url.searchParams);
      if (r.kind === 'missing') return html(c, 404, 'No such graph, or it has no data yet.');
      if (r.kind === 'bad') return html(c, 400, r.problem);
      const headers: Record<string, string> = { etag: r.etag, 'cache-control': 'no-cache', 'content-type': 'image/png' };
      if (r.lastUpdate !== undefined) headers['last-modified'] = new Date(r.lastUpdate * 1000).toUTCString();
      const id = c.get('info').id;
      if (c.req.header('if-none-match') === r.etag) return respond(id, 304, null, headers);
      return respond(id, 200, c.req.method === 'HEAD' ? null : new Uint8Array(r.png), headers);
    });

    const metrics = metricsRoute(this.ctx.runtime, logger);
    app.on(['GET', 'HEAD'], '/metrics', (c) => metrics(c.req.raw, c.get('info').id));

    app.on(['GET', 'HEAD'], '/static/*', async (c) => {
      const dir = this.config.staticDir;
      const raw = c.get('info').url.pathname.slice('/static/'.length);
      return (dir && (await serveStatic(dir, raw, c.req.raw, c.get('info').id))) || html(c, 404);
    });

    const rpc = (c: Context<Env>): Response | Promise<Response> => {
      const entry = this.config.rpc.get(c.req.param('name') as string);
      return entry ? rpcResponse(this.ctx, entry, c.req.raw, c.get('info')) : json(c, 404, 'No such RPC.');
    };
    // The body limit only where there is a body: reading `body` costs a GET the fast request path.
    app.post('/rpc/:name', bodyLimit({ maxSize: this.config.limits.bodyBytes, onError: (c) => json(c as Context<Env>, 413) }), rpc);
    app.on(['GET', 'HEAD'], '/rpc/:name', rpc);
    app.all('/rpc/:name', (c) => errorResponse(405, c.get('info').id, 'json', undefined, { allow: 'GET, HEAD, POST' }));

    app.on(['GET', 'HEAD'], '*', (c) => {
      const path = c.req.path.replace(/^\//, '');
      const page = path === '' ? this.indexPage : this.pagesByPath.get(path);
      if (page) return pageResponse(this.ctx, page, c.req.raw, c.get('info'));
      if (path === '') return this.generatedIndex(c.req.method, c.get('info').id);
      return html(c, 404);
    });
    app.all('*', (c) => errorResponse(405, c.get('info').id, 'html', undefined, { allow: 'GET, HEAD' }));

    app.notFound((c) => html(c, 404));
    app.onError((err, c) => {
      const id = c.get('info')?.id ?? '-';
      logger.error(`request ${id} failed: ${err.stack ?? err.message}`);
      return errorResponse(500, id, c.req.path.startsWith('/rpc/') ? 'json' : 'html');
    });
    return app;
  }

  /** Host check, authentication and the same-origin check: a response when the request is refused. */
  private gate(c: Context<Env>, info: Info): Response | undefined | Promise<Response | undefined> {
    if (!hostAllowed(info.host, this.hosts)) {
      return errorResponse(421, info.id, 'html', 'This server does not answer for that host name.');
    }
    if (this.auth && c.req.path !== '/healthz') return this.authenticate(c, info, this.auth);
    return this.sameOriginCheck(c, info);
  }

  /** Authentication (401), and a token given in the URL turned into a cookie (303). */
  private async authenticate(c: Context<Env>, info: Info, auth: Authenticator): Promise<Response | undefined> {
    const url = info.url;
    const queryToken = url.searchParams.get('token') ?? undefined;
    const result = await auth.check(c.req.header('authorization'), parseCookies(c.req.header('cookie') ?? null)[TOKEN_COOKIE], queryToken);
    if (!result.ok) return errorResponse(401, info.id, c.req.path.startsWith('/rpc/') ? 'json' : 'html', undefined, { 'www-authenticate': result.challenge });
    if (queryToken !== undefined && c.req.method === 'GET') {
      // A token given in the URL becomes a cookie, and the browser is sent to the URL without it.
      const clean = new URL(url);
      clean.searchParams.delete('token');
      return respond(info.id, 303, null, { location: clean.pathname + clean.search }, [`${TOKEN_COOKIE}=${encodeURIComponent(queryToken)}; Path=/; HttpOnly; SameSite=Strict`]);
    }
    info.user = result.user;
    return this.sameOriginCheck(c, info);
  }

  private sameOriginCheck(c: Context<Env>, info: Info): Response | undefined {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && !sameOrigin(c.req.method, c.req.raw.headers, info.host)) {
      return errorResponse(403, info.id, 'json', 'Cross-origin requests that change state are refused.');
    }
    return undefined;
  }

  private asset(c: Context<Env>, name: string): Response {
    const a = assets().get(name);
    if (!a) return errorResponse(404, c.get('info').id, 'html');
    const headers = { 'content-type': a.type, etag: a.etag, 'cache-control': 'no-cache' };
    if (c.req.header('if-none-match') === a.etag) return respond(c.get('info').id, 304, null, headers);
    return respond(c.get('info').id, 200, c.req.method === 'HEAD' ? null : a.body, headers);
  }

  private generatedIndex(method: string, requestId: string): Response {
    const body = renderLayout({
      siteTitle: this.config.title,
      pages: [],
      current: undefined,
      title: this.config.title,
      body: renderIndex([...this.config.rpc.keys()], this.graphs.names()),
      events: 'thread:*',
      stylesheets: this.config.stylesheets,
    });
    return respond(requestId, 200, method === 'HEAD' ? null : body, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  }
}

/** `rrd info` as `procblock rrd info --format json` prints it: unknown (NaN) values as null. */
function infoJson(info: RrdInfo): string {
  return JSON.stringify(info, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? (Number.isNaN(v) ? null : String(v)) : v));
}
