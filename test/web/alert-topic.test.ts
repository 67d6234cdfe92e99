/** dropSTAR's `/events` topics include alert transitions (SPEC §9: alert changes on /events). */
import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../src/alerts/alert-manager.js';
import { encodeEvent, parseTopics, type TopicFilter } from '../../src/web/events-hub.js';

const alert: AlertEvent = { kind: 'alert', block: 'b', thread: 'web', alert: 'slow', from: 'pending', to: 'firing', notify: 'firing', since: 1000, time: 1000, value: 62 };

describe('/events alert topics', () => {
  it('alert:<name> and alert:* select alert events; other topics do not', () => {
    const f = (t: string): TopicFilter => parseTopics(t) as TopicFilter;
    expect(f('alert:slow').matches(alert)).toBe(true);
    expect(f('alert:*').matches(alert)).toBe(true);
    expect(f('alert:down').matches(alert)).toBe(false);
    expect(f('thread:*').matches(alert)).toBe(false);
    expect(new TextDecoder().decode(encodeEvent(alert))).toBe(
      'event: alert\ndata: {"block":"b","thread":"web","alert":"slow","from":"pending","to":"firing","notify":"firing","since":1000,"time":1000,"value":62}\n\n',
    );
  });
});
