/**
 * `GET /events` (SPEC §7): Server-Sent Events to every open page. One hub per server (it
 * outlives site swaps); it subscribes to the runtime's live events only while a client is
 * connected, encodes each event once and hands the same bytes to every client that asked for it.
 *
 * Topics (`?topics=thread:cpu,counter:requests`, comma- or space-separated; `*` for any name):
 * `thread:<id>` RunThread ticks (event `tick`: thread, time, fields, graphs), `counter:<name>`
 * (event `counter`: name, value), `queue:<name>` (event `queue`: name, message, length),
 * `state:<bucket>` (event `state`: bucket, key, value, deleted), `alert:<name>` (event `alert`:
 * block, thread, alert, from, to, notify, since, time, value — docs/alerts.md).
 * Without `topics` a client gets every RunThread tick. Every client gets `reload` (a hot reload
 * of the block happened: its outcome and what it restarted, started, stopped, kept).
 *
 * A new stream first gets the current state of what it subscribes to that has one (`current`:
 * each alert as an `alert` event with `from` = `to` = its state and no `notify`), so a page shows
 * a firing alert at once instead of waiting for its next transition, and a page whose stream
 * reconnected catches up. The states are taken and the hub subscribed in the same synchronous
 * step: no transition falls between them.
 *
 * Choices: at most `max_event_clients` streams (503 beyond); a comment line every 15 s keeps
 * idle connections open through proxies; a client whose stream has 256 events queued, or 1 MiB
 * unsent on its connection (it stopped reading), is dropped (its EventSource reconnects).
 * `close()` sends `event: bye` (the client script then stops reconnecting) and ends every stream.
 *
 * Delivery: each client gets a web ReadableStream (what the framework sends as the body). When
 * the request came over a Node socket, events go straight to its `ServerResponse` instead, once
 * the server has written everything the stream held (headers and first bytes): a stream chunk
 * costs a queue entry, a promise and a microtask per client and event, which with 500 clients
 * was the larger part of a tick's fan-out. The stream stays open (its end ends the response).
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { LiveEvent, LiveEvents } from '../runtime/web-host.js';

const KINDS = new Set(['thread', 'counter', 'queue', 'state', 'alert']);
const HEARTBEAT_MS = 15_000;
const MAX_QUEUED = 256;
const MAX_UNSENT_BYTES = 1024 * 1024;

export interface TopicFilter {
  readonly topics: readonly string[];
  matches(event: LiveEvent): boolean;
}

/** Parse a `topics` value; a string is the problem with it. */
export function parseTopics(text: string | null): TopicFilter | string {
  const topics = (text ?? 'thread:*').split(/[\s,]+/).filter((t) => t !== '');
  const byKind = new Map<string, Set<string>>();
  for (const t of topics) {
    const colon = t.indexOf(':');
    const kind = colon > 0 ? t.slice(0, colon) : t;
    const name = colon > 0 ? t.slice(colon + 1) : '*';
    if (!KINDS.has(kind) || name === '') return `unknown topic ${JSON.stringify(t)}: use thread:<id>, counter:<name>, queue:<name>, state:<bucket> or alert:<name> (* for all)`;
    let names = byKind.get(kind);
    if (!names) byKind.set(kind, (names = new Set()));
    names.add(name);
  }
  const has = (kind: string, name: string): boolean => {
    const names = byKind.get(kind);
    return names !== undefined && (names.has('*') || names.has(name));
  };
  return {
    topics,
    matches(e) {
      switch (e.kind) {
        case 'tick':
          return has('thread', e.thread);
        case 'counter':
          return has('counter', e.name);
        case 'queue':
          return has('queue', e.name);
        case 'state':
          return has('state', e.bucket);
        case 'alert':
          return has('alert', e.alert);
        case 'reload':
          return true; // every page learns that the block it belongs to changed
        default:
          return false;
      }
    },
  };
}

/** The Node response of an `/events` request (`@hono/node-server`'s `outgoing`). */
export interface DirectOut {
  readonly headersSent: boolean;
  readonly destroyed: boolean;
  /** Bytes written but not yet handed to the socket. */
  readonly writableLength: number;
  write(chunk: Uint8Array): boolean;
}

interface Client {
  readonly filter: TopicFilter;
  readonly controller: ReadableStreamDefaultController<Uint8Array>;
  readonly out: DirectOut | undefined;
  /** Something was enqueued that the server has not asked past yet (then events keep to the stream, in order). */
  streamBusy: boolean;
}

const encoder = new TextEncoder();

export function encodeEvent(event: LiveEvent): Uint8Array {
  const { kind, ...data } = event;
  const name = kind === 'tick' ? 'tick' : kind;
  const json = JSON.stringify(data, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return encoder.encode(`event: ${name}\ndata: ${json}\n\n`);
}

export const EVENT_STREAM_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store',
  'x-accel-buffering': 'no',
});

export class EventsHub {
  private readonly clients = new Set<Client>();
  private unsubscribe: (() => void) | undefined;
  private heartbeat: TimerHandle | undefined;
  private closed = false;

  constructor(
    private readonly options: {
      events: LiveEvents;
      clock: Clock;
      logger: Logger;
      maxClients: number;
      /** What has a current state (alerts), sent to each new stream that matches it. */
      current?: (() => readonly LiveEvent[]) | undefined;
    },
  ) {}

  get size(): number {
    return this.clients.size;
  }

  /**
   * The event stream of one new client, or undefined when the hub is full or closed. With `out`
   * (the request's Node response, whose body is this stream), events are written to `out`
   * directly once the stream is drained.
   */
  open(filter: TopicFilter, out?: DirectOut): ReadableStream<Uint8Array> | undefined {
    if (this.closed || this.clients.size >= this.options.maxClients) return undefined;
    let client: Client | undefined;
    const stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          client = { filter, controller, out, streamBusy: true };
          this.clients.add(client);
          // The first bytes go out at once: the browser's EventSource opens on the headers.
          controller.enqueue(encoder.encode(`retry: 3000\n: dropSTAR events ${filter.topics.join(' ')}\n\n`));
          for (const e of this.options.current?.() ?? []) if (filter.matches(e)) controller.enqueue(encodeEvent(e));
        },
        // With no high-water mark, a pull means the server read every chunk and asks for more:
        // it has written what it read (it writes a chunk before its next read).
        pull: () => {
          if (client) client.streamBusy = false;
        },
        cancel: () => {
          if (client) this.drop(client);
        },
      },
      { highWaterMark: 0 },
    );
    this.ensureRunning();
    return stream;
  }

  /**
   * Resolves once every change made from now on reaches the streams opened so far (with a shared
   * unidist back end: once its changes feed is subscribed). The `/events` route waits for it
   * before answering, so a page that catches up when its stream opens misses nothing.
   */
  ready(): Promise<void> {
    return this.options.events.ready?.() ?? Promise.resolve();
  }

  /** Say goodbye to every client and end the streams. Later `open` calls get undefined. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const bye = encoder.encode('event: bye\ndata: {}\n\n');
    for (const c of [...this.clients]) {
      try {
        this.write(c, bye);
        c.controller.close();
      } catch {
        // already cancelled by its client
      }
      this.drop(c);
    }
  }

  private deliver(event: LiveEvent): void {
    let bytes: Uint8Array | undefined;
    for (const c of this.clients) {
      if (!c.filter.matches(event)) continue;
      bytes ??= encodeEvent(event);
      this.send(c, bytes);
    }
  }

  private send(c: Client, bytes: Uint8Array): void {
    const queued = -(c.controller.desiredSize ?? 0);
    const unsent = c.out ? c.out.writableLength : 0;
    if (queued > MAX_QUEUED || unsent > MAX_UNSENT_BYTES) {
      this.options.logger.warn('an /events client stopped reading; its stream is closed', { queued, unsent_bytes: unsent });
      try {
        c.controller.close();
      } catch {
        // cancelled meanwhile
      }
      this.drop(c);
      return;
    }
    try {
      this.write(c, bytes);
    } catch {
      this.drop(c);
    }
  }

  /** To the Node response once the stream is drained and the head is out; else through the stream. */
  private write(c: Client, bytes: Uint8Array): void {
    const out = c.out;
    if (out && !c.streamBusy && out.headersSent) {
      if (out.destroyed) throw new Error('the /events connection is gone');
      out.write(bytes);
      return;
    }
    c.streamBusy = true;
    c.controller.enqueue(bytes);
  }

  private ensureRunning(): void {
    this.unsubscribe ??= this.options.events.subscribe((e) => this.deliver(e));
    if (!this.heartbeat) this.scheduleHeartbeat();
  }

  private scheduleHeartbeat(): void {
    this.heartbeat = this.options.clock
      .setTimeout(() => {
        this.heartbeat = undefined;
        if (this.clients.size === 0) return;
        const ping = encoder.encode(': ping\n\n');
        for (const c of [...this.clients]) this.send(c, ping);
        this.scheduleHeartbeat();
      }, HEARTBEAT_MS)
      .unref();
  }

  private drop(c: Client): void {
    this.clients.delete(c);
    if (this.clients.size > 0) return;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.heartbeat?.cancel();
    this.heartbeat = undefined;
  }
}
