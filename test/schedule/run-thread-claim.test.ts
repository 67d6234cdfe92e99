/**
 * Cluster-safe RunThreads at the scheduler level (SPEC §5): slots on the epoch grid, each tick
 * claimed before it runs, slots won elsewhere counted (not run, not delivered), claim failures
 * counted as errors; and the runtime's claim hook on a real unidist (memory here, Redis in
 * test/cli/redis-singleton.test.ts): two "processes" sharing one unidist split the slots.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { RuntimeFailure } from '../../src/core/errors.js';
import { slotClaimer } from '../../src/runtime/slot-claim.js';
import { RunThread } from '../../src/schedule/run-thread.js';
import { createMemoryUnidist } from '../../src/unidist/memory/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { outcome, spec } from './helpers.js';

const EPOCH_OFFSET = 1234; // the fake clock starts this far past a multiple of the interval

describe('RunThread with a claim hook', () => {
  it('puts slots on the epoch grid, runs only the slots it wins, counts the others', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1) + EPOCH_OFFSET);
    const interval = 5000;
    const claimed: number[] = [];
    const ran: number[] = [];
    const delivered: number[] = [];
    const thread = new RunThread({
      spec: spec('c', interval, async (_signal, tickTimeMs) => {
        ran.push(tickTimeMs);
        return outcome({ slot: tickTimeMs });
      }),
      clock,
      logger: silentLogger,
      // Win every other slot (as if another process took the rest).
      claim: async (t) => {
        claimed.push(t);
        return (t / interval) % 2 === 0;
      },
      onTick: (_o, t) => void delivered.push(t),
    });
    const first = await thread.start();
    const grid = Date.UTC(2026, 0, 1);
    expect(claimed[0]).toBe(grid); // the slot we are in, not "now"
    await clock.advance(6 * interval);
    expect(claimed).toEqual(Array.from({ length: 7 }, (_, k) => grid + k * interval));
    const won = claimed.filter((t) => (t / interval) % 2 === 0);
    expect(ran).toEqual(won);
    expect(delivered).toEqual(won);
    expect(thread.status()).toMatchObject({ runs: won.length, ranElsewhere: claimed.length - won.length, errors: 0, skipped: 0 });
    expect(first.returned).toEqual(ran[0] === grid ? { slot: grid } : undefined);
    await thread.stop();
  });

  it('a first slot won elsewhere gives an empty first outcome; a failing claim is an error of that tick, and ticking goes on', async () => {
    const clock = new FakeClock();
    const interval = 1000;
    let n = 0;
    const thread = new RunThread({
      spec: spec('e', interval, async () => outcome({ ran: true })),
      clock,
      logger: silentLogger,
      claim: async () => {
        n++;
        if (n === 1) return false;
        if (n === 2) throw new RuntimeFailure('PB_ERR_UNIDIST_UNAVAILABLE', 'Redis is away');
        return true;
      },
    });
    const first = await thread.start();
    expect(first).toMatchObject({ returned: undefined, pipeDataSet: {} });
    await clock.advance(interval);
    expect(thread.status()).toMatchObject({ runs: 1, errors: 1, ranElsewhere: 1, lastError: 'Redis is away' });
    await clock.advance(interval);
    expect(thread.status()).toMatchObject({ runs: 2, errors: 1, ranElsewhere: 1 });
    expect(thread.latestOutcome?.returned).toEqual({ ran: true });
    await thread.stop();
  });

  it('two threads sharing one unidist through slotClaimer split the slots: each runs exactly once', async () => {
    const clock = new FakeClock();
    const u = await createMemoryUnidist({ clock });
    const interval = 1000;
    const ranBy = new Map<number, string[]>();
    const make = (who: string): RunThread =>
      new RunThread({
        spec: spec(who, interval, async (_s, t) => {
          ranBy.set(t, [...(ranBy.get(t) ?? []), who]);
          return outcome();
        }),
        clock,
        logger: silentLogger,
        claim: slotClaimer(u, 'beat', interval),
      });
    const a = make('a');
    const b = make('b');
    await Promise.all([a.start(), b.start()]);
    await clock.advance(20 * interval);
    expect([...ranBy.keys()]).toHaveLength(21);
    for (const whos of ranBy.values()) expect(whos).toHaveLength(1);
    expect(a.status().runs + b.status().runs).toBe(21);
    expect(a.status().ranElsewhere + b.status().ranElsewhere).toBe(21);
    await Promise.all([a.stop(), b.stop()]);
    await u.close();
  });
});
