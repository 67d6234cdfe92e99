/**
 * `--metrics host:port` (SPEC §9): a small HTTP server (Hono on @hono/node-server) serving
 * `GET /metrics` (Prometheus text format) and `GET /events` (the runtime's events as SSE).
 *
 * Security, as dropSTAR's rule: loopback by default; any other address needs a bearer token
 * (`Authorization: Bearer <token>`, compared in constant time) or an explicit `insecure: true`,
 * otherwise starting fails with PB_ERR_USAGE (exit 2). With a token every route checks it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { InputError, RuntimeFailure } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { eventStream, type EventSourceLike } from './event-stream.js';
import { metricsHandler, type MetricsRenderer } from './handler.js';
import { isLoopback } from './loopback.js';

export interface MetricsServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly metrics: MetricsRenderer;
  readonly events?: EventSourceLike<{ readonly kind: string }> | undefined;
  /** Bearer token every request must carry. */
  readonly token?: string | undefined;
  /** Allow a non-loopback address without a token. */
  readonly insecure?: boolean | undefined;
  readonly logger: Logger;
}

export interface MetricsServer {
  /** `http://host:port` as bound (the real port when 0 was asked). */
  readonly url: string;
  readonly port: number;
  /** Stop accepting, end event streams, wait for requests up to `deadlineMs`, then cut. Idempotent. */
  close(deadlineMs?: number): Promise<void>;
}


export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { host, port, logger } = options;
  if (!isLoopback(host) && !options.token && !options.insecure) {
    throw new InputError(
      'PB_ERR_USAGE',
      `--metrics ${host}:${port} would expose metrics and events beyond this machine without authentication; give --metrics-token-file FILE (clients send Authorization: Bearer <token>) or say --metrics-insecure, or bind 127.0.0.1`,
    );
  }
  const app = new Hono();
  if (options.token) {
    const want = digest(options.token);
    app.use('*', async (c, next) => {
      const m = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '');
      if (!m || !timingSafeEqual(digest(m[1] as string), want)) {
        return c.text('unauthorized\n', 401, { 'www-authenticate': 'Bearer realm="procblock"' });
      }
      await next();
    });
  }
  const metrics = metricsHandler(options.metrics, (e) => logger.error(`rendering /metrics failed: ${(e as Error).message}`));
  const stream = options.events ? eventStream(options.events) : undefined;
  app.get('/metrics', (c) => metrics(c.req.raw));
  if (stream) app.get('/events', (c) => stream.handler(c.req.raw));
  app.get('/', (c) => c.text(`procblock: GET /metrics${stream ? ', GET /events' : ''}\n`));
  app.notFound((c) => c.text('not found\n', 404));
  app.onError((e, c) => {
    logger.error(`metrics server: ${e.message}`);
    return c.text('internal error\n', 500);
  });

  const server = createAdaptorServer({ fetch: app.fetch, hostname: host }) as Server;
  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      reject(new RuntimeFailure('PB_ERR_METRICS', `--metrics: cannot listen on ${host}:${port}: ${e.code ?? e.message}`, { cause: e }));
    };
    server.once('error', onError);
    server.listen(port, host.replace(/^\[|\]$/g, ''), () => {
      server.off('error', onError);
      resolve();
    });
  });
  // Responses in progress (event streams), so closing can drop their sockets once they end.
  const responses = new Set<import('node:http').ServerResponse>();
  server.on('request', (_req, res: import('node:http').ServerResponse) => {
    responses.add(res);
    res.once('close', () => responses.delete(res));
  });
  const bound = server.address() as AddressInfo;
  const shown = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  const url = `http://${shown}:${bound.port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port: bound.port,
    close(deadlineMs = 2000) {
      closing ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), deadlineMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        // Ended event streams leave keep-alive sockets idle once their last chunk is written.
        for (const c of responses) c.once('finish', () => server.closeIdleConnections());
        stream?.close();
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
