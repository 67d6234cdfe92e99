/** What the routes of one site share: its configuration, the runtime view, and error responses. */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { WebRuntime } from '../runtime/web-host.js';
import type { DropstarConfig } from './config.js';
import { reasonPhrase, renderErrorPage } from './layout.js';

export interface SiteContext {
  readonly config: DropstarConfig;
  readonly runtime: WebRuntime;
  readonly clock: Clock;
  readonly logger: Logger;
  /** An error response without internals: HTML for browsers, JSON for RPC and `/events`. */
  errorResponse(status: number, requestId: string, format: 'html' | 'json', detail?: string, headers?: Record<string, string>): Response;
}

export function errorResponse(status: number, requestId: string, format: 'html' | 'json', detail?: string, headers: Record<string, string> = {}): Response {
  const body =
    format === 'json'
      ? JSON.stringify({ error: { status, reason: reasonPhrase(status), ...(detail ? { detail } : {}), request: requestId } })
      : renderErrorPage(status, requestId, detail);
  return new Response(body, {
    status,
    headers: { 'content-type': format === 'json' ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}
