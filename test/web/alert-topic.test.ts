/**
 * dropSTAR's `/events` topics include alert transitions (SPEC §9: alert changes on /events), and a
 * new stream starts with the current state of the alerts it subscribes to.
 */
import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../src/alerts/alert-manager.js';
import { silentLogger } from '../../src/core/logger.js';
import type { LiveEvent, LiveEventListener } from '../../src/runtime/live-events.js';
import { EventsHub, encodeEvent, parseTopics, type TopicFilter } from '../../src/web/events-hub.js';
import { FakeClock } from '../helpers/fake-clock.js';

const alert: AlertEvent = { kind: 'alert', block: 'b', thread: 'web', alert: 'slow', from: 'pending', to: 'firing', notify: 'firing', since: 1000, time: 1000, value: 62 };
const f = (t: string): TopicFilter => parseTopics(t) as TopicFilter;

describe('/events alert topics', () => {
  it('alert:<name> and alert:* select alert events; other topics do not', () => {
    expect(f('alert:slow').matches(alert)).toBe(true);
    expect(f('alert:*').matches(alert)).toBe(true);
    expect(f('alert:down').matches(alert)).toBe(false);
    expect(f('thread:*').matches(alert)).toBe(false);
    expect(new TextDecoder().decode(encodeEvent(alert))).toBe(
      'event: alert\ndata: {"block":"b","thread":"web","alert":"slow","from":"pending","to":"firing","notify":"firing","since":1000,"time":1000,"value":62}\n\n',
    );
  });

  it('a new stream gets the current state of each alert it subscribes to first, then the transitions', async () => {
    const listeners = new Set<LiveEventListener>();
    const events = { subscribe: (l: LiveEventListener) => (listeners.add(l), () => void listeners.delete(l)) };
    const current: AlertEvent[] = [
      { kind: 'alert', block: 'b', thread: 'web', alert: 'slow', from: 'firing', to: 'firing', notify: undefined, since: 500, time: 2000, value: 61 },
      { kind: 'alert', block: 'b', thread: 'db', alert: 'lag', from: 'ok', to: 'ok', notify: undefined, since: 0, time: 2000, value: null },
    ];
    const hub = new EventsHub({ events, clock: new FakeClock(), logger: silentLogger, maxClients: 10, current: () => current });
    const slow = hub.open(f('alert:slow')) as ReadableStream<Uint8Array>;
    const ticks = hub.open(f('thread:*')) as ReadableStream<Uint8Array>;
    const resolved: LiveEvent = { ...alert, from: 'firing', to: 'resolved', notify: 'resolved', since: 3000, time: 3000, value: 90 };
    for (const l of listeners) l(resolved);
    hub.close();
    const text = async (s: ReadableStream<Uint8Array>): Promise<string> => new TextDecoder().decode(await new Response(s).arrayBuffer());
    const got = await text(slow);
    const data = [...got.matchAll(/^event: alert\ndata: (.*)$/gm)].map((m) => JSON.parse(m[1] as string) as { from: string; to: string });
    expect(data.map((d) => [d.from, d.to])).toEqual([
      ['firing', 'firing'],
      ['firing', 'resolved'],
    ]);
    expect(await text(ticks)).not.toContain('event: alert');
  });
});
