/**
 * The runtime's web host (SPEC §7): what the `dropstar:` tag starts. It checks the settings
 * (a non-loopback address needs `auth` or `insecure: true`, else PB_ERR_WEB_INSECURE, exit 2),
 * builds the site, listens, and logs `dropSTAR listening on <url>` at info (on stderr, where
 * tests and users find the port chosen for `port: 0`). One server per runtime.
 */
import type { AlertEvent, AlertSnapshot } from '../alerts/alert-manager.js';
import { InputError, RuntimeFailure } from '../core/errors.js';
import type { WebStartRequest } from '../engine/types.js';
import type { RuntimeWebHost, WebRuntime } from '../runtime/web-host.js';
import { parseDropstarConfig, type DropstarConfig } from './config.js';
import { EventsHub } from './events-hub.js';
import { isLoopbackAddress } from './security.js';
import { DropstarServer } from './server.js';
import { DropstarSite } from './site.js';

export class DropstarHost implements RuntimeWebHost {
  private server: DropstarServer | undefined;
  private hub: EventsHub | undefined;
  private requests = 0;
  private closing: Promise<void> | undefined;
  private readonly nextRequestId = (): string => `r${(++this.requests).toString(36)}`;

  constructor(private readonly runtime: WebRuntime) {}

  /** The running server (tests, hot reload). */
  get current(): DropstarServer | undefined {
    return this.server;
  }

  async start(request: WebStartRequest): Promise<{ url: string }> {
    if (this.closing) throw new RuntimeFailure('PB_ERR_CLOSED', 'dropSTAR is stopping');
    if (this.server) throw new InputError('PB_ERR_VALIDATION', `dropstar: a server already runs at ${this.server.url}; a runtime serves one dropstar block`);
    if (request.block.usage?.longrunning !== true) {
      throw new InputError('PB_ERR_VALIDATION', 'dropstar: the web server runs until Ctrl-C, so the block needs `__usage: {longrunning: true}`', {
        location: request.block.locate(request.path),
      });
    }
    const config = parseDropstarConfig(request);
    checkExposure(config, request);
    // GET /metrics: the metrics exist from the start (lateness and counters observed from now,
    // field values from the next tick), made beside the listening, not before it.
    this.runtime.metrics().catch((e: unknown) => this.runtime.logger.error(`the runtime's metrics could not be created: ${(e as Error).message}`));
    const runtime = this.runtime;
    const hub = new EventsHub({
      events: runtime.events,
      clock: runtime.clock,
      logger: runtime.logger,
      maxClients: config.limits.eventClients,
      current: () => currentAlerts(runtime.alerts(), Math.round(runtime.clock.now())),
    });
    const site = this.makeSite(config, hub);
    const server = new DropstarServer(site, {
      host: config.host,
      port: config.port,
      urlBytes: config.limits.urlBytes,
      headerBytes: config.limits.headerBytes,
      hub,
      logger: this.runtime.logger,
      clock: this.runtime.clock,
      nextRequestId: this.nextRequestId,
    });
    const url = await server.listen();
    this.server = server;
    this.hub = hub;
    const auth = config.auth ? `, ${config.auth.kind === 'token' ? 'token' : 'user'} authentication` : config.insecure ? ', NO authentication (insecure: true)' : '';
    this.runtime.logger.info(`dropSTAR listening on ${url} (${config.pages.length} page(s), ${config.rpc.size} RPC${auth})`);
    return { url };
  }

  /**
   * Serve new settings of the same block without closing the socket (hot reload): pages and RPC
   * switch atomically. The address and the authentication cannot change this way. Starts the
   * server when a reload brings the first `dropstar:`.
   */
  async reload(request: WebStartRequest): Promise<{ url: string }> {
    if (this.closing) throw new RuntimeFailure('PB_ERR_CLOSED', 'dropSTAR is stopping');
    const server = this.server;
    const hub = this.hub;
    if (!server || !hub) return this.start(request);
    const config = parseDropstarConfig(request);
    const old = server.currentSite.config;
    if (config.host !== old.host || (config.port !== old.port && config.port !== 0) || config.auth !== undefined !== (old.auth !== undefined) || config.insecure !== old.insecure) {
      throw new InputError('PB_ERR_VALIDATION', 'dropstar: host, port, auth and insecure cannot change while the server runs; restart procblock');
    }
    server.replaceSite(this.makeSite(config, hub));
    return { url: server.url };
  }

  close(deadlineMs: number): Promise<void> {
    this.closing ??= this.server ? this.server.close(deadlineMs) : Promise.resolve();
    return this.closing;
  }

  private makeSite(config: DropstarConfig, hub: EventsHub): DropstarSite {
    return new DropstarSite({
      config,
      runtime: this.runtime,
      hub,
      nextRequestId: this.nextRequestId,
      // Not counting the /healthz request asking.
      health: () => ({ requests_in_flight: Math.max(0, (this.server?.requestsInFlight ?? 1) - 1), event_streams: hub.size }),
    });
  }
}

function checkExposure(config: DropstarConfig, request: WebStartRequest): void {
  if (isLoopbackAddress(config.host) || config.auth || config.insecure) return;
  throw new InputError(
    'PB_ERR_WEB_INSECURE',
    `dropstar: host ${config.host} is reachable from other machines, and this block has no authentication. ` +
      'Add `auth: {token: ...}` (or `users:` with scrypt hashes), or `insecure: true` to serve it without, or bind 127.0.0.1',
    { location: request.block.locate([...request.path, 'host']) },
  );
}

/** Each alert's state as an `alert` event that changes nothing (`from` = `to`, no `notify`): what a new `/events` stream starts with. */
function currentAlerts(alerts: readonly AlertSnapshot[], now: number): AlertEvent[] {
  return alerts.map((a) => ({
    kind: 'alert',
    block: a.block,
    thread: a.thread,
    alert: a.alert,
    from: a.state,
    to: a.state,
    notify: undefined,
    since: a.since,
    time: now,
    value: Number.isFinite(a.value) ? a.value : null,
  }));
}

/** The factory the runtime takes (`Runtime.create({web: createDropstarHost})`). */
export function createDropstarHost(runtime: WebRuntime): DropstarHost {
  return new DropstarHost(runtime);
}
