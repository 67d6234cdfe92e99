/**
 * `/events` answers only once the live events deliver every later change (a shared back end's
 * changes feed is subscribed): the browser's EventSource opens on the response headers, and a
 * page that fetches its data then (`pb:open`) must miss nothing. Driven with `app.request()` and
 * a hand-resolved `ready()`; no sockets, no timers.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkBlock } from '../../src/config/index.js';
import { silentLogger } from '../../src/core/logger.js';
import type { LiveEventListener } from '../../src/runtime/live-events.js';
import type { WebRuntime } from '../../src/runtime/web-host.js';
import { parseDropstarConfig } from '../../src/web/config.js';
import { EventsHub } from '../../src/web/events-hub.js';
import { DropstarSite } from '../../src/web/site.js';
import { repoRoot } from '../helpers/cli.js';
import { FakeClock } from '../helpers/fake-clock.js';

describe('/events and a changes feed', () => {
  it('the response waits for ready(); a change emitted once it resolved is in the stream', async () => {
    const block = await checkBlock(path.join(repoRoot, 'test', 'fixtures', 'web', 'site', 'site.yaml'));
    const listeners = new Set<LiveEventListener>();
    let confirm: () => void = () => undefined;
    let readyCalls = 0;
    const events = {
      subscribe: (l: LiveEventListener) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      ready: () => {
        readyCalls++;
        return new Promise<void>((resolve) => (confirm = resolve));
      },
    };
    const clock = new FakeClock();
    const runtime: WebRuntime = {
      logger: silentLogger,
      clock,
      events,
      process: () => Promise.reject(new Error('no pages in this test')),
      isPlainData: () => false,
      graphs: () => [],
      renderGraph: () => Promise.resolve(undefined),
      graphInfo: () => Promise.resolve(undefined),
      metrics: () => Promise.reject(new Error('no metrics in this test')),
      alerts: () => [],
    };
    const config = parseDropstarConfig({ block, path: ['dropstar'], config: block.data.dropstar as Record<string, unknown>, pipeData: { port: '0' } });
    const hub = new EventsHub({ events, clock, logger: silentLogger, maxClients: 10 });
    const site = new DropstarSite({ config, runtime, hub, nextRequestId: () => 'r1' });

    let answered = false;
    const pending = Promise.resolve(site.app.request('/events?topics=queue:*')).then((res) => {
      answered = true;
      return res;
    });
    for (let i = 0; i < 20 && readyCalls === 0; i++) await Promise.resolve();
    expect(readyCalls).toBe(1);
    expect(listeners.size).toBe(1); // subscribed before waiting
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(answered).toBe(false);

    confirm();
    const res = await pending;
    expect(res.status).toBe(200);
    for (const l of listeners) l({ kind: 'queue', name: 'wall', message: 'hi', length: 1 });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes('event: queue')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('event: queue\ndata: {"name":"wall","message":"hi","length":1}');
    await reader.cancel();
    hub.close();
  });
});
