/** Windows are sized from what expressions read, bounded, grown in place, and absent when unread. */
import { describe, expect, it } from 'vitest';
import { createLogger, type LogRecord } from '../../src/core/logger.js';
import { parseAlertExpression, seriesNeeds } from '../../src/language/alert-expr/index.js';
import { SampleWindow } from '../../src/windows/sample-window.js';
import { WindowStore } from '../../src/windows/window-store.js';

const needsOf = (text: string) => seriesNeeds(parseAlertExpression(text).root);

describe('WindowStore', () => {
  it('keeps max(last N, duration / interval + 1) samples of the fields read, and no window for threads nobody reads', () => {
    const store = new WindowStore(createLogger(() => undefined, 'silent'));
    for (const n of needsOf('pct(ms < 200, last 20) < 80 and avg(db.lag, 5m) > 1')) store.need(n.thread ?? 'web', n);
    const web = store.open('web', 5000, () => 'gauge') as SampleWindow;
    expect(web.capacity).toBe(20);
    expect(web.fields).toEqual(['ms']);
    const db = store.open('db', 10_000, () => 'gauge') as SampleWindow;
    expect(db.capacity).toBe(31); // 300 s / 10 s + 1
    expect(store.open('other', 1000, () => 'gauge')).toBeUndefined();

    // A need that arrives later grows the open window, keeping its samples.
    for (let i = 0; i < 25; i++) web.push(i * 5000, () => i);
    store.need('web', { fields: ['ok'], samples: 50, seconds: 0 });
    expect(web.capacity).toBe(50);
    expect(web.fields).toEqual(['ms', 'ok']);
    expect(web.length).toBe(20);
    expect([web.value(0, 0), web.value(0, 19), web.value(1, 19)]).toEqual([5, 24, NaN]);
    web.push(125_000, (f) => (f === 'ok' ? 1 : 25));
    expect(web.length).toBe(21);
  });

  it('a window past 100,000 samples is kept to that size, with a warning', () => {
    const logs: LogRecord[] = [];
    const store = new WindowStore(createLogger((r) => logs.push(r), 'debug'));
    store.need('fast', { fields: ['x'], samples: 1, seconds: 7 * 86_400 });
    expect((store.open('fast', 1000, () => 'gauge') as SampleWindow).capacity).toBe(100_000);
    expect(logs.filter((r) => r.level === 'warn' && /kept to 100000/.test(r.msg))).toHaveLength(1);
  });

  it('a ring buffer drops the oldest sample when full', () => {
    const w = new SampleWindow(3, 1000);
    w.addField('v', 'gauge');
    for (let i = 1; i <= 5; i++) w.push(i * 1000, () => i * 10);
    expect(Array.from({ length: w.length }, (_, i) => [w.time(i), w.value(0, i)])).toEqual([
      [3000, 30],
      [4000, 40],
      [5000, 50],
    ]);
  });
});
