/**
 * Server-Sent Events of every event of an event source (the runtime's live events), as a
 * fetch-style handler: `(request) => Response`, for `--metrics`' server (dropSTAR has its own
 * `/events` with topics, src/web/events-hub.ts). Each event is `event: <kind>` + `data: <JSON>`; a comment line every `heartbeatMs` keeps proxies from closing
 * an idle stream. The subscription ends when the client goes away or `close()` is called
 * (the server's shutdown), whichever comes first.
 */

export interface EventSourceLike<E extends { readonly kind: string }> {
  subscribe(listener: (event: E) => void): () => void;
}

export interface EventStream {
  handler(request: Request): Response;
  /** End every open stream. Idempotent. */
  close(): void;
  readonly open: number;
}

export function eventStream<E extends { readonly kind: string }>(source: EventSourceLike<E>, options: { heartbeatMs?: number } = {}): EventStream {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const enders = new Set<() => void>();
  const encoder = new TextEncoder();
  return {
    get open() {
      return enders.size;
    },
    handler(request) {
      let end = (): void => undefined;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          let done = false;
          const send = (text: string): void => {
            if (!done) controller.enqueue(encoder.encode(text));
          };
          const unsubscribe = source.subscribe((e) => send(`event: ${e.kind}\ndata: ${JSON.stringify(e, replacer)}\n\n`));
          const beat = setInterval(() => send(': keep-alive\n\n'), heartbeatMs);
          beat.unref();
          end = () => {
            if (done) return;
            done = true;
            unsubscribe();
            clearInterval(beat);
            enders.delete(end);
            request.signal.removeEventListener('abort', end);
            try {
              controller.close();
            } catch {
              /* already closed by the client */
            }
          };
          enders.add(end);
          request.signal.addEventListener('abort', end, { once: true });
          send(': procblock events\n\n');
        },
        cancel() {
          end();
        },
      });
      return new Response(body, {
        headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
      });
    },
    close() {
      for (const end of [...enders]) end();
    },
  };
}

/** NaN and ±Infinity have no JSON form: null, as unknown values are everywhere else. */
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}
