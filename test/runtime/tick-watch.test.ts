import { describe, expect, it } from 'vitest';
import { createLogger, type LogRecord } from '../../src/core/logger.js';
import { TickWatch } from '../../src/runtime/tick-watch.js';
import { FakeClock } from '../helpers/fake-clock.js';

function setup(): { watch: TickWatch; clock: FakeClock; warnings: LogRecord[] } {
  const clock = new FakeClock();
  const warnings: LogRecord[] = [];
  const logger = createLogger((r) => warnings.push(r), 'warn');
  return { watch: new TickWatch({ clock, logger, overrunEveryMs: 600_000 }), clock, warnings };
}

describe('TickWatch', () => {
  it('an overrun warns at once, then at most once per period per thread', async () => {
    const { watch, clock, warnings } = setup();
    watch.skipped('a', 5, 1, 7.5);
    watch.skipped('a', 5, 2, 12.5);
    watch.skipped('b', 5, 1, 6);
    expect(warnings.map((w) => w.fields?.id)).toEqual(['a', 'b']);
    expect(warnings[0]?.msg).toMatch(/overran its 5 s interval .*7\.5 s.*1 tick\(s\) skipped/);
    await clock.advance(599_999);
    watch.skipped('a', 5, 3, 6);
    expect(warnings).toHaveLength(2);
    await clock.advance(1);
    watch.skipped('a', 5, 4, 6);
    expect(warnings).toHaveLength(3);
    expect(warnings[2]?.fields).toEqual({ id: 'a', skipped: 4 });
  });

  it('a late timer (busy or suspended process) is a skip with another reason', () => {
    const { watch, warnings } = setup();
    watch.skipped('a', 5, 2, undefined);
    expect(warnings[0]?.msg).toMatch(/busy \(or suspended\).*2 tick\(s\) skipped/);
  });

  it('repeated failures warn at 3, 10, 30, 100 in a row; a success starts over', () => {
    const { watch, warnings } = setup();
    const fail = (n: number): void => {
      for (let i = 0; i < n; i++) watch.failed('a', 'boom');
    };
    fail(2);
    expect(warnings).toHaveLength(0);
    fail(1);
    expect(warnings.map((w) => w.fields?.failuresInRow)).toEqual([3]);
    fail(97);
    expect(warnings.map((w) => w.fields?.failuresInRow)).toEqual([3, 10, 30, 100]);
    watch.succeeded('a');
    fail(3);
    expect(warnings.map((w) => w.fields?.failuresInRow)).toEqual([3, 10, 30, 100, 3]);
  });
});
