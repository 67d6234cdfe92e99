/**
 * `GET /metrics` as a fetch-style handler (`(request) => Promise<Response>`): the `--metrics`
 * server mounts it, and dropSTAR mounts the same function at its own `/metrics` route.
 * A render failure is a 500 with a short text (the details go to the log, never to the client).
 */
export interface MetricsRenderer {
  render(): Promise<string>;
  readonly contentType: string;
}

export function metricsHandler(metrics: MetricsRenderer, onError?: (e: unknown) => void): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('method not allowed\n', { status: 405, headers: { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' } });
    }
    let body: string;
    try {
      body = await metrics.render();
    } catch (e) {
      onError?.(e);
      return new Response('metrics unavailable\n', { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    }
    return new Response(request.method === 'HEAD' ? null : body, {
      headers: { 'content-type': metrics.contentType, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
    });
  };
}
