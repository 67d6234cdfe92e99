/**
 * The listening side of dropSTAR: one Node HTTP server (through @hono/node-server) in front of a
 * swappable `DropstarSite`. `serve({fetch: (req) => current.fetch(req)})` is the whole trick:
 * `replaceSite` switches pages for every later request while requests in flight finish on the
 * site they started on (hot reload, SPEC §8).
 *
 * Also here, because they sit before any route: the URL length limit (414; a request line
 * longer than the header limit gets Node's own 431), the header size limit (Node's
 * `maxHeaderSize` → 431), how long an idle keep-alive connection stays open, and the lifecycle.
 *
 * Idle keep-alive connections stay open 65 s (`Keep-Alive: timeout=65`), not Node's 5 s. A client
 * that reuses a connection the server is closing at that moment gets ECONNRESET; Node's own agent
 * does not retry, and a load balancer in front answers 502. With 5 s, a script or test polling
 * every few seconds met that edge. Load balancers commonly keep idle upstream connections 60 s
 * (nginx's upstream `keepalive_timeout`, AWS ALB's idle timeout), so the server's must be the
 * longer one. Clients that read the hint close their side shortly before it.
 *
 * close(deadline): stop accepting connections; end every `/events` stream; answer requests
 * arriving on open keep-alive connections with 503 + `Connection: close`; wait for requests in
 * flight up to the deadline; then close idle connections, and after the deadline every
 * connection. Idempotent (same promise).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { settledWithin, type Clock } from '../core/clock.js';
import { RuntimeFailure } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { EventsHub } from './events-hub.js';
import { errorResponse } from './site-context.js';
import type { DropstarSite } from './site.js';

export interface DropstarServerOptions {
  readonly host: string;
  readonly port: number;
  readonly urlBytes: number;
  readonly headerBytes: number;
  readonly hub: EventsHub;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly nextRequestId: () => string;
}

interface NodeBindings {
  readonly incoming?: { readonly url?: string | undefined };
}

type State = 'new' | 'listening' | 'closing' | 'closed';

/** How long an idle keep-alive connection stays open (see above). */
const KEEP_ALIVE_MS = 65_000;

export class DropstarServer {
  private site: DropstarSite;
  private readonly server: Server;
  private state: State = 'new';
  private inFlight = 0;
  private onIdle: (() => void) | undefined;
  private closePromise: Promise<void> | undefined;

  constructor(
    site: DropstarSite,
    private readonly options: DropstarServerOptions,
  ) {
    this.site = site;
    this.server = createAdaptorServer({
      fetch: (request, bindings) => this.handle(request, bindings),
      serverOptions: { maxHeaderSize: options.headerBytes },
    }) as Server;
    this.server.keepAliveTimeout = KEEP_ALIVE_MS;
  }

  get url(): string {
    const a = this.server.address() as AddressInfo | null;
    if (!a) throw new RuntimeFailure('PB_ERR_CLOSED', 'the dropSTAR server is not listening');
    return `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}/`;
  }

  /** Requests being handled now (not counting open `/events` streams). */
  get requestsInFlight(): number {
    return this.inFlight;
  }

  get currentSite(): DropstarSite {
    return this.site;
  }

  /** Serve `site` from the next request on; requests in flight finish on the old one. */
  replaceSite(site: DropstarSite): void {
    this.site = site;
  }

  listen(): Promise<string> {
    return new Promise((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException): void => {
        this.server.off('listening', onListening);
        reject(new RuntimeFailure('PB_ERR_WEB_LISTEN', `dropSTAR cannot listen on ${this.options.host}:${this.options.port}: ${e.code ?? e.message}`, { cause: e }));
      };
      const onListening = (): void => {
        this.server.off('error', onError);
        this.state = 'listening';
        resolve(this.url);
      };
      this.server.once('error', onError);
      this.server.once('listening', onListening);
      this.server.listen(this.options.port, this.options.host);
    });
  }

  close(deadlineMs: number): Promise<void> {
    this.closePromise ??= this.shutDown(deadlineMs);
    return this.closePromise;
  }

  private async handle(request: Request, bindings: unknown): Promise<Response> {
    if (this.state !== 'listening') return this.refuse(503, 'The server is stopping.', { connection: 'close', 'retry-after': '5' });
    const target = (bindings as NodeBindings | undefined)?.incoming?.url ?? request.url;
    if (target.length > this.options.urlBytes) return this.refuse(414);
    const site = this.site;
    this.inFlight++;
    try {
      const res = await site.fetch(request, bindings);
      // A response finished while stopping closes its connection behind it.
      if (this.state !== 'listening' && !res.headers.get('content-type')?.startsWith('text/event-stream')) res.headers.set('connection', 'close');
      return res;
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) this.onIdle?.();
    }
  }

  private refuse(status: number, detail?: string, headers: Record<string, string> = {}): Response {
    const id = this.options.nextRequestId();
    const res = errorResponse(status, id, 'html', detail, headers);
    this.options.logger.info(`request refused with ${status}`, { request: id });
    return res;
  }

  private async shutDown(deadlineMs: number): Promise<void> {
    if (this.state === 'new' || this.state === 'closed') {
      this.state = 'closed';
      return;
    }
    const { clock, logger } = this.options;
    const deadline = clock.now() + deadlineMs;
    this.state = 'closing';
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const streams = this.options.hub.size;
    this.options.hub.close();
    if (this.inFlight > 0 || streams > 0) logger.info(`dropSTAR stopping: ${this.inFlight} request(s) in flight, ${streams} /events stream(s) ended`);
    if (this.inFlight > 0) {
      await settledWithin(new Promise<void>((resolve) => (this.onIdle = resolve)), deadline - clock.now(), clock);
      if (this.inFlight > 0) logger.warn(`dropSTAR: ${this.inFlight} request(s) still running at the stop deadline; closing their connections`);
    }
    this.server.closeIdleConnections();
    if (!(await settledWithin(closed, deadline - clock.now(), clock))) {
      this.server.closeAllConnections();
      await closed;
    }
    this.state = 'closed';
  }
}
