/**
 * Request deadlines without a timer per request (src/web/deadlines.ts): a deadline fires at its
 * time and not before, a cancelled one never fires, timeouts of different lengths keep their own
 * order, one timer serves them all, and the queue keeps only what is still waiting.
 */
import { describe, expect, it } from 'vitest';
import { Deadlines } from '../../dist/web/deadlines.js';
import { FakeClock } from '../helpers/fake-clock.js';

describe('request deadlines', () => {
  it('a deadline fires at its time, not before; a cancelled one never fires', async () => {
    const clock = new FakeClock();
    const d = new Deadlines(clock);
    const fired: string[] = [];
    d.add(1000, () => fired.push('a'));
    await clock.advance(100);
    const b = d.add(1000, () => fired.push('b'));
    d.add(1000, () => fired.push('c'));
    expect(clock.timers).toBe(1);
    b.cancel();
    b.cancel();
    await clock.advance(899);
    expect(fired).toEqual([]);
    await clock.advance(1);
    expect(fired).toEqual(['a']);
    await clock.advance(99);
    expect(fired).toEqual(['a']);
    await clock.advance(1);
    expect(fired).toEqual(['a', 'c']);
    expect(d.pending).toBe(0);
    expect(clock.timers).toBe(0);
  });

  it('a shorter timeout added later fires first; each fires once', async () => {
    const clock = new FakeClock();
    const d = new Deadlines(clock);
    const fired: [string, number][] = [];
    const t0 = clock.now();
    d.add(5000, () => fired.push(['long', clock.now() - t0]));
    d.add(200, () => fired.push(['short', clock.now() - t0]));
    await clock.advance(300);
    d.add(200, () => fired.push(['short2', clock.now() - t0]));
    await clock.advance(10_000);
    expect(fired).toEqual([
      ['short', 200],
      ['short2', 500],
      ['long', 5000],
    ]);
  });

  it('keeps only the requests still waiting, even behind one slow request', async () => {
    const clock = new FakeClock();
    const d = new Deadlines(clock);
    let slowFired = 0;
    d.add(30_000, () => slowFired++);
    for (let i = 0; i < 10_000; i++) d.add(30_000, () => undefined).cancel();
    expect(d.pending).toBe(1);
    // The queue holds the slow request and at most a compaction's worth of finished ones.
    expect(d.queued).toBeLessThan(200);
    await clock.advance(30_000);
    expect(slowFired).toBe(1);
    expect(d.queued).toBe(0);
  });

  it('a deadline whose callback throws does not stop the later ones', async () => {
    const clock = new FakeClock();
    const d = new Deadlines(clock);
    const fired: string[] = [];
    d.add(100, () => {
      throw new Error('boom');
    });
    d.add(100, () => fired.push('same time'));
    d.add(200, () => fired.push('later'));
    await expect(clock.advance(100)).rejects.toThrow('boom');
    expect(fired).toEqual(['same time']);
    await clock.advance(100);
    expect(fired).toEqual(['same time', 'later']);
  });
});
