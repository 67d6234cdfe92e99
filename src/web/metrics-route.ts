/**
 * `GET /metrics` of a dropSTAR site (SPEC §7 routes, §9): the runtime's Prometheus metrics
 * through `metricsHandler` (src/metrics/handler.ts), the same handler and the same registry the
 * `--metrics` server serves, so both addresses give the same text.
 *
 * It sits behind the site's gate like every route but `/healthz`: the Host check, then the
 * site's `auth` when there is one — Prometheus sends `Authorization: Bearer <token>`
 * (`authorization: {credentials_file: ...}` in its scrape config) for `auth: {token}`, or HTTP
 * Basic (`basic_auth:`) for `auth: {users}`. Without `auth` the site is loopback-only (or
 * `insecure: true`), and so is this route. Metrics name the block's threads, fields and alerts:
 * they are not less private than the pages.
 *
 * The response keeps the handler's status, content type and `cache-control: no-store`, and gets
 * dropSTAR's security headers like every other response.
 */
import type { Logger } from '../core/logger.js';
import { metricsHandler } from '../metrics/handler.js';
import type { WebRuntime } from '../runtime/web-host.js';
import { respond } from './site-context.js';

export type MetricsRoute = (request: Request, requestId: string) => Promise<Response>;

/** The route of one site; the runtime's metrics are created on the first request if the host has not already. */
export function metricsRoute(runtime: Pick<WebRuntime, 'metrics'>, logger: Logger): MetricsRoute {
  let handler: ((request: Request) => Promise<Response>) | undefined;
  return async (request, requestId) => {
    handler ??= metricsHandler(await runtime.metrics(), (e) => logger.error(`rendering /metrics failed: ${(e as Error).message}`, { request: requestId }));
    const r = await handler(request);
    const headers: Record<string, string> = {};
    r.headers.forEach((value, name) => (headers[name] = value));
    return respond(requestId, r.status, r.body === null ? null : await r.text(), headers);
  };
}
