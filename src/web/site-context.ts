/**
 * What the routes of one site share: its configuration, the runtime view, and how every
 * response is made (`respond`): the route's headers, then the security headers (which a route
 * cannot override) and the request id, as one plain header object — @hono/node-server writes
 * such a response in one go, without reading a body stream.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { WebRuntime } from '../runtime/web-host.js';
import type { DropstarConfig } from './config.js';
import type { Deadlines } from './deadlines.js';
import { reasonPhrase, renderErrorPage } from './layout.js';
import { SECURITY_HEADER_RECORD } from './security.js';

export interface SiteContext {
  readonly config: DropstarConfig;
  readonly runtime: WebRuntime;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The site's request timeouts (deadlines.ts). */
  readonly deadlines: Deadlines;
}

/**
 * A response with the route's `headers` (lower-case names) and the security headers; errors
 * (status 400 and up) also carry `X-Request-Id`, the id their page shows and the log names.
 */
export function respond(requestId: string, status: number, body: ConstructorParameters<typeof Response>[0], headers: Record<string, string>, cookies?: readonly string[]): Response {
  // Object.assign, not `{...headers, ...SECURITY_HEADER_RECORD}`: Node 20's V8 makes an object
  // spread followed by more properties ~3 µs slow, on every response.
  const all: Record<string, string> = Object.assign({}, headers, SECURITY_HEADER_RECORD);
  if (status >= 400) all['x-request-id'] = requestId;
  if (!cookies || cookies.length === 0) return new Response(body, { status, headers: all });
  return new Response(body, { status, headers: [...Object.entries(all), ...cookies.map((c): [string, string] => ['set-cookie', c])] });
}

/** An error response without internals: HTML for browsers, JSON for RPC and `/events`. */
export function errorResponse(status: number, requestId: string, format: 'html' | 'json', detail?: string, headers: Record<string, string> = {}): Response {
  const body =
    format === 'json'
      ? JSON.stringify({ error: { status, reason: reasonPhrase(status), ...(detail ? { detail } : {}), request: requestId } })
      : renderErrorPage(status, requestId, detail);
  return respond(requestId, status, body, {
    'content-type': format === 'json' ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
}
