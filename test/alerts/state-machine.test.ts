/**
 * The alert state machine on the fake clock (SPEC §9; done-when 2): `for`, `clear` hysteresis
 * without flapping, `repeat`, a restart while firing, a throwing and a hanging procedure.
 * Ticks every 5 s; one field `v`.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { step, type AlertStatus } from '../../src/alerts/state-machine.js';
import { harness, INTERVAL_MS, story, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(() => {
  h?.cleanup();
  h = undefined;
});

async function ticks(x: Harness, values: number[]): Promise<void> {
  for (const v of values) await x.tick(v);
}

describe('for: pending before firing', () => {
  it('fires only once the condition has held for `for`, then runs the procedure once', async () => {
    h = harness({ high: { when: 'last(v) > 100', for: '15s', run: [{ shell: 'true' }] } });
    await ticks(h, [50, 150]); // pending at t=10 s
    expect(story(h.events)).toEqual(['ok→pending']);
    await ticks(h, [150, 150]); // 10 s held: not yet
    expect(story(h.events)).toEqual(['ok→pending']);
    await ticks(h, [150]); // 15 s held
    expect(story(h.events)).toEqual(['ok→pending', 'pending→firing!firing']);
    await ticks(h, [150, 150, 150]);
    expect(h.calls).toHaveLength(1);
    expect(h.calls[0]?.pipeData.alert).toMatchObject({ name: 'high', state: 'firing', value: 150, since: (h.events[1]?.since ?? 0) / 1000 });
    expect(h.calls[0]?.env).toMatchObject({ PROCBLOCK_ALERT_NAME: 'high', PROCBLOCK_ALERT_STATE: 'firing', PROCBLOCK_ALERT_VALUE: '150' });
  });

  it('a pending alert whose condition goes false returns to ok and runs nothing', async () => {
    h = harness({ high: { when: 'v > 100', for: '30s', run: [{ shell: 'true' }] } });
    await ticks(h, [150, 150, 50, 150, 150, 150, 150, 150, 150, 150]);
    expect(story(h.events)).toEqual(['ok→pending', 'pending→ok', 'ok→pending', 'pending→firing!firing']);
    // `for` counted from the second pending: fired 30 s after it began.
    expect((h.events[3]?.time ?? 0) - (h.events[2]?.time ?? 0)).toBe(30_000);
    expect(h.calls).toHaveLength(1);
  });

  it('for: 0 fires at the first true evaluation; unknown results change nothing', async () => {
    h = harness({ high: { when: 'v > 100', run: [{ shell: 'true' }] } });
    await ticks(h, [NaN, 150, NaN, NaN, 50]);
    expect(story(h.events)).toEqual(['ok→firing!firing', 'firing→resolved!resolved']);
  });

  it('unknown while pending neither fires nor cancels', async () => {
    h = harness({ high: { when: 'v > 100', for: '10s' } });
    await ticks(h, [150, NaN, NaN, NaN]);
    expect(story(h.events)).toEqual(['ok→pending']);
    await ticks(h, [150]);
    expect(story(h.events)).toEqual(['ok→pending', 'pending→firing']);
  });
});

describe('clear: hysteresis', () => {
  // Oscillates around the firing threshold 100: 95, 105, 95, 105, ...
  const oscillating = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 105 : 95));

  it('with clear, a value oscillating around the threshold fires once and never flaps', async () => {
    h = harness({ high: { when: 'v > 100', clear: 'v < 80', run: [{ shell: 'true' }] } });
    await ticks(h, oscillating);
    expect(story(h.events)).toEqual(['ok→firing!firing']);
    await ticks(h, [79]);
    expect(story(h.events)).toEqual(['ok→firing!firing', 'firing→resolved!resolved']);
    expect(h.calls.map((c) => (c.pipeData.alert as { state: string }).state)).toEqual(['firing', 'resolved']);
  });

  it('without clear (the default: `when` false) the same values flap on every tick', async () => {
    h = harness({ high: { when: 'v > 100' } });
    await ticks(h, oscillating.slice(0, 6));
    expect(story(h.events)).toEqual(['ok→firing', 'firing→resolved', 'resolved→firing', 'firing→resolved', 'resolved→firing', 'firing→resolved']);
  });

  it('with `for` and a window, an oscillation may go pending but never fires', async () => {
    h = harness({ high: { when: 'avg(v, last 4) > 100', for: '20s', clear: 'avg(v, last 4) < 90' } });
    await ticks(h, oscillating);
    expect(story(h.events).filter((s) => s.includes('firing'))).toEqual([]);
  });
});

describe('repeat', () => {
  it('re-notifies at most every `repeat` while firing, once more on resolving', async () => {
    h = harness({ high: { when: 'v > 100', repeat: '20s', run: [{ shell: 'true' }] } });
    await ticks(h, Array<number>(10).fill(150)); // firing at t=5 s; repeats at 25 s and 45 s
    await ticks(h, [50]);
    expect(story(h.events)).toEqual(['ok→firing!firing', 'firing→firing!repeat', 'firing→firing!repeat', 'firing→resolved!resolved']);
    expect(h.events.map((e) => e.time - (h as Harness).events[0]!.time)).toEqual([0, 20_000, 40_000, 50_000]);
    expect(h.calls.map((c) => (c.pipeData.alert as { repeat: boolean }).repeat)).toEqual([false, true, true, false]);
  });

  it('without repeat, a long firing notifies once', async () => {
    h = harness({ high: { when: 'v > 100', run: [{ shell: 'true' }] } });
    await ticks(h, Array<number>(50).fill(150));
    expect(h.calls).toHaveLength(1);
  });
});

describe('restart while firing', () => {
  it('the firing state survives a restart and is not notified again; resolving later is', async () => {
    h = harness({ high: { when: 'v > 100', repeat: '1h', run: [{ shell: 'true' }] } });
    await ticks(h, [150, 150]);
    expect(h.calls).toHaveLength(1);
    await h.manager.stop(1000);
    const saved = JSON.parse(readFileSync(h.stateFile, 'utf8')) as { alerts: { state: string }[] };
    expect(saved.alerts).toMatchObject([{ thread: 'web', alert: 'high', state: 'firing' }]);

    h.restart();
    await ticks(h, [150, 150, 150]);
    expect(h.calls).toHaveLength(1); // no second notification
    expect(h.logs.some((r) => /still firing since .*restored; not notified again/.test(r.msg))).toBe(true);
    await ticks(h, [50]);
    expect(story(h.events)).toEqual(['ok→firing!firing', 'firing→resolved!resolved']);
    expect(h.calls).toHaveLength(2);
  });

  it('a repeat that came due while the process was down is sent at the first evaluation after the restart', async () => {
    h = harness({ high: { when: 'v > 100', repeat: '1m', run: [{ shell: 'true' }] } });
    await ticks(h, [150]);
    await h.manager.stop(1000);
    await h.clock.advance(120_000);
    h.restart();
    await ticks(h, [150]);
    expect(story(h.events)).toEqual(['ok→firing!firing', 'firing→firing!repeat']);
  });

  it('the transition is durable in the state file before its procedure starts (at most once)', async () => {
    const seen: string[] = [];
    h = harness({ high: { when: 'v > 100', run: [{ shell: 'true' }] } }, async () => {
      seen.push((JSON.parse(readFileSync((h as Harness).stateFile, 'utf8')) as { alerts: { state: string }[] }).alerts[0]?.state ?? 'none');
    });
    await ticks(h, [150, 50]);
    expect(seen).toEqual(['firing', 'resolved']);
  });

  it('a procedure still queued when the manager stops is not started, and a warning says so', async () => {
    h = harness({ high: { when: 'v > 100', run: [{ shell: 'true' }] } });
    await h.clock.advance(INTERVAL_MS);
    h.window.push(h.clock.now(), () => 150);
    // Evaluated, and stopped before the transition's state write is durable (the tick helper
    // would wait for it).
    h.alerts.evaluate({ now: h.clock.now(), series: (t) => (t === undefined ? (h as Harness).window : undefined) }, { v: 150 });
    await h.manager.stop(1000);
    expect(story(h.events)).toEqual(['ok→firing!firing']);
    expect(h.calls).toHaveLength(0);
    expect(h.done).toEqual([{ label: 'alert web/high (firing)', outcome: 'not started' }]);
    expect(h.logs.filter((r) => r.level === 'warn').map((r) => r.msg)).toContain('alert web/high (firing): not run, the runtime is stopping');
  });

  it('a pending alert restarts its `for` after a restart', async () => {
    h = harness({ high: { when: 'v > 100', for: '20s' } });
    await ticks(h, [150, 150]); // pending since 5 s, 5 s held
    await h.manager.stop(1000);
    await h.clock.advance(60_000);
    h.restart();
    await ticks(h, [150, 150, 150]);
    expect(story(h.events)).toEqual(['ok→pending']);
    await ticks(h, [150, 150]);
    expect(story(h.events)).toEqual(['ok→pending', 'pending→firing']);
  });

  it('an unreadable state file is moved aside; alerts start ok', async () => {
    h = harness({ high: { when: 'v > 100' } });
    await ticks(h, [150]);
    await h.manager.stop(1000);
    writeFileSync(h.stateFile, '{"version": 1, "alerts": [{"thread": 1}]}');
    h.restart();
    expect(readdirSync(path.dirname(h.stateFile)).some((f) => f.includes('.corrupt-'))).toBe(true);
    await ticks(h, [150]);
    expect(story(h.events)).toEqual(['ok→firing', 'ok→firing']);
  });
});

describe('procedures that fail or hang', () => {
  it('a throwing procedure is logged; the next transition still runs its procedure', async () => {
    h = harness({ high: { when: 'v > 100', run: [{ script: 'x.ts' }] } }, () => Promise.reject(new Error('pager unreachable')));
    await ticks(h, [150, 50]);
    expect(h.done).toEqual([
      { label: 'alert web/high (firing)', outcome: 'failed' },
      { label: 'alert web/high (resolved)', outcome: 'failed' },
    ]);
    expect(h.logs.filter((r) => r.level === 'error' && /procedure failed .*pager unreachable/.test(r.msg))).toHaveLength(2);
  });

  it('a procedure that throws synchronously is contained too', async () => {
    h = harness({ high: { when: 'v > 100', run: [{ script: 'x.ts' }] } }, () => {
      throw new Error('boom');
    });
    await ticks(h, [150]);
    expect(h.done).toEqual([{ label: 'alert web/high (firing)', outcome: 'failed' }]);
  });

  it('a hanging procedure is abandoned at its timeout (signal aborted); ticks and later procedures go on', async () => {
    const signals: AbortSignal[] = [];
    h = harness({ high: { when: 'v > 100', timeout: '8s', run: [{ script: 'hang.ts' }] } }, (call) => {
      signals.push(call.signal);
      return new Promise(() => undefined); // never settles
    });
    await ticks(h, [150]); // firing at 5 s: procedure starts and hangs
    await ticks(h, [50]); // resolved at 10 s: queued behind the hanging one
    expect(h.calls).toHaveLength(1);
    expect(story(h.events)).toEqual(['ok→firing!firing', 'firing→resolved!resolved']); // evaluation was not blocked
    await ticks(h, [50]); // 15 s: more than 8 s after the first started
    expect(signals[0]?.aborted).toBe(true);
    expect(h.calls).toHaveLength(2);
    expect(h.done[0]).toEqual({ label: 'alert web/high (firing)', outcome: 'timed out' });
    expect(h.logs.some((r) => r.level === 'error' && /still running after 8 s; abandoned/.test(r.msg))).toBe(true);
    await ticks(h, [50, 50, 50]);
    expect(h.done[1]).toEqual({ label: 'alert web/high (resolved)', outcome: 'timed out' });
  });
});

describe('the reported value', () => {
  it('is `value:` when given, else the left side of the last comparison of `when`', async () => {
    h = harness({
      guarded: { when: 'count(v >= 0, last 3) >= 2 and avg(v, last 3) > 100', run: [{ shell: 'true' }] },
      explicit: { when: 'v > 100', value: 'v * 2', run: [{ shell: 'true' }] },
    });
    await ticks(h, [150, 120]);
    expect(h.events.map((e) => [e.alert, e.value])).toEqual([
      ['explicit', 300],
      ['guarded', 135],
    ]);
    expect(h.calls.map((c) => (c.pipeData.alert as { value: number }).value)).toEqual([300, 135]);
  });
});

describe('step() directly', () => {
  const ok: AlertStatus = { state: 'ok', since: 0, lastNotified: undefined, value: NaN };
  it('pending → firing needs `when` true at an evaluation at least `for` after pending began', () => {
    const pending = step({ forMs: 10, repeatMs: undefined }, ok, 100, 'true', undefined, 1).status;
    expect(pending).toMatchObject({ state: 'pending', since: 100 });
    expect(step({ forMs: 10, repeatMs: undefined }, pending, 109, 'true', undefined, 1).transition).toBeUndefined();
    expect(step({ forMs: 10, repeatMs: undefined }, pending, 110, 'true', undefined, 1)).toMatchObject({ notify: 'firing', status: { state: 'firing', since: 110, lastNotified: 110 } });
  });
  it('with clear, `when` false alone does not resolve; unknown clear holds', () => {
    const firing: AlertStatus = { state: 'firing', since: 0, lastNotified: 0, value: 1 };
    expect(step({ forMs: 0, repeatMs: undefined }, firing, 5, 'false', 'false', 1).transition).toBeUndefined();
    expect(step({ forMs: 0, repeatMs: undefined }, firing, 5, 'false', 'unknown', 1).transition).toBeUndefined();
    expect(step({ forMs: 0, repeatMs: undefined }, firing, 5, 'true', 'true', 1).status.state).toBe('resolved');
  });
});
