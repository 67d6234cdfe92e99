/**
 * `/events` fan-out (src/web/events-hub.ts) against a hand-driven event source and a fake clock,
 * and behind a real @hono/node-server on a socket (events written to the response directly).
 */
import http, { type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import type { LiveEvent, LiveEventListener } from '../../src/runtime/live-events.js';
import { EVENT_STREAM_HEADERS, EventsHub, encodeEvent, parseTopics, type DirectOut, type TopicFilter } from '../../src/web/events-hub.js';
import { FakeClock } from '../helpers/fake-clock.js';

class Source {
  readonly listeners = new Set<LiveEventListener>();
  subscribe(l: LiveEventListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  emit(e: LiveEvent): void {
    for (const l of this.listeners) l(e);
  }
}

const tick = (thread: string, n: number): LiveEvent => ({ kind: 'tick', thread, time: 1000 * n, fields: { n }, graphs: [] });

function filter(text: string | null): TopicFilter {
  const f = parseTopics(text);
  if (typeof f === 'string') throw new Error(f);
  return f;
}

function hub(maxClients = 10): { hub: EventsHub; source: Source; clock: FakeClock } {
  const source = new Source();
  const clock = new FakeClock();
  return { hub: new EventsHub({ events: source, clock, logger: silentLogger, maxClients }), source, clock };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new TextDecoder().decode(await new Response(stream).arrayBuffer());
}

describe('topics', () => {
  it('select events by kind and name, * for any; no topics = every tick', () => {
    const f = filter('thread:cpu, counter:* queue:wall state:requests');
    expect(f.matches(tick('cpu', 1))).toBe(true);
    expect(f.matches(tick('disk', 1))).toBe(false);
    expect(f.matches({ kind: 'counter', name: 'x', value: 1 })).toBe(true);
    expect(f.matches({ kind: 'queue', name: 'other', message: 1, length: 1 })).toBe(false);
    expect(f.matches({ kind: 'state', bucket: 'requests', key: 'delay', value: 5, deleted: false })).toBe(true);
    expect(filter(null).matches(tick('any', 1))).toBe(true);
    expect(filter(null).matches({ kind: 'counter', name: 'x', value: 1 })).toBe(false);
    expect(parseTopics('bogus:x')).toMatch(/unknown topic "bogus:x"/);
    expect(parseTopics('thread:')).toMatch(/unknown topic/);
  });

  it('encode as one SSE event per change (bigints as text)', () => {
    expect(new TextDecoder().decode(encodeEvent({ kind: 'counter', name: 'c', value: 2 }))).toBe('event: counter\ndata: {"name":"c","value":2}\n\n');
    expect(new TextDecoder().decode(encodeEvent({ kind: 'tick', thread: 't', time: 1, fields: { b: 10n }, graphs: ['g'] }))).toBe(
      'event: tick\ndata: {"thread":"t","time":1,"fields":{"b":"10"},"graphs":["g"]}\n\n',
    );
  });
});

describe('EventsHub', () => {
  it('delivers matching events to each client, listens to the source only while clients are connected, and says bye on close', async () => {
    const { hub: h, source } = hub();
    expect(source.listeners.size).toBe(0);
    const a = h.open(filter('thread:cpu')) as ReadableStream<Uint8Array>;
    const b = h.open(filter('counter:c')) as ReadableStream<Uint8Array>;
    expect(source.listeners.size).toBe(1);
    source.emit(tick('cpu', 1));
    source.emit(tick('disk', 2));
    source.emit({ kind: 'counter', name: 'c', value: 7 });
    h.close();
    expect(h.open(filter(null))).toBeUndefined();
    expect(source.listeners.size).toBe(0);
    const textA = await readAll(a);
    expect(textA).toMatch(/^retry: 3000\n: dropSTAR events thread:cpu\n\n/);
    expect(textA).toContain('"thread":"cpu"');
    expect(textA).not.toContain('disk');
    expect(textA).not.toContain('counter');
    expect(textA.endsWith('event: bye\ndata: {}\n\n')).toBe(true);
    expect(await readAll(b)).toContain('event: counter\ndata: {"name":"c","value":7}');
  });

  it('refuses clients beyond max_event_clients; a client that goes away frees its place', async () => {
    const { hub: h, source } = hub(2);
    const a = h.open(filter(null)) as ReadableStream<Uint8Array>;
    expect(h.open(filter(null))).toBeInstanceOf(ReadableStream);
    expect(h.open(filter(null))).toBeUndefined();
    await a.cancel();
    expect(h.size).toBe(1);
    expect(h.open(filter(null))).toBeInstanceOf(ReadableStream);
    h.close();
    expect(source.listeners.size).toBe(0);
  });

  it('drops a client that stopped reading; heartbeats keep idle streams open', async () => {
    const { hub: h, source, clock } = hub();
    const slow = h.open(filter(null)) as ReadableStream<Uint8Array>;
    const live = h.open(filter('counter:none')) as ReadableStream<Uint8Array>;
    for (let i = 0; i < 300; i++) source.emit(tick('t', i));
    expect(h.size).toBe(1);
    const slowText = await readAll(slow);
    expect(slowText.match(/event: tick/g)?.length).toBeGreaterThan(250);
    await clock.advance(15_000);
    const reader = live.getReader();
    let text = '';
    while (!text.includes(': ping')) text += new TextDecoder().decode((await reader.read()).value);
    h.close();
  });
});

describe('EventsHub behind @hono/node-server (a real socket)', () => {
  /** A server whose /events body is a hub stream, events written to `out` (the real response, writes counted). */
  async function serveHub(h: EventsHub): Promise<{ url: string; directWrites: () => number; close: () => Promise<void> }> {
    let writes = 0;
    const server = createAdaptorServer({
      fetch: (_req, bindings) => {
        const res = (bindings as { outgoing: ServerResponse }).outgoing;
        const out: DirectOut = {
          get headersSent() {
            return res.headersSent;
          },
          get destroyed() {
            return res.destroyed;
          },
          get writableLength() {
            return res.writableLength;
          },
          write: (chunk) => (writes++, res.write(chunk)),
        };
        return new Response(h.open(filter(null), out), { headers: { ...EVENT_STREAM_HEADERS } });
      },
    }) as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/events`,
      directWrites: () => writes,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  it('writes to the response once the stream is drained: first bytes, every event in order, bye at close', async () => {
    const { hub: h, source } = hub();
    const srv = await serveHub(h);
    let text = '';
    const ended = new Promise<void>((resolve) => {
      http.get(srv.url, (res) => {
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', resolve);
      });
    });
    await expect.poll(() => h.size).toBe(1);
    // Events from before the head went out until long after: the switch happens somewhere between.
    for (let i = 0; i < 200; i++) {
      source.emit(tick('t', i));
      if (i % 10 === 0) await new Promise((r) => setImmediate(r));
    }
    await expect.poll(() => (text.match(/event: tick/g) ?? []).length).toBe(200);
    h.close();
    await ended;
    expect(text).toMatch(/^retry: 3000\n: dropSTAR events thread:\*\n\n/);
    const ns = [...text.matchAll(/"fields":\{"n":(\d+)\}/g)].map((m) => Number(m[1]));
    expect(ns).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(text.endsWith('event: bye\ndata: {}\n\n')).toBe(true);
    expect(srv.directWrites()).toBeGreaterThan(100);
    await srv.close();
  });

  it('drops a client whose connection holds 1 MiB unsent (it stopped reading)', async () => {
    const { hub: h, source } = hub();
    const srv = await serveHub(h);
    const req = http.get(srv.url, (res) => res.pause());
    req.on('error', () => undefined);
    await expect.poll(() => h.size).toBe(1);
    await expect.poll(() => srv.directWrites() > 0 || (source.emit(tick('t', 0)), false)).toBe(true);
    const big: LiveEvent = { kind: 'tick', thread: 't', time: 1, fields: { pad: 'x'.repeat(16 * 1024) }, graphs: [] };
    for (let i = 0; i < 4000 && h.size > 0; i++) source.emit(big);
    expect(h.size).toBe(0);
    req.destroy();
    await srv.close();
  });
});
