/**
 * Retiring a RunThread (hot reload restarting a changed thread, SPEC §8): it stops after its
 * tick in flight, whose result still reaches onTick; its successor never overlaps it.
 */
import { describe, expect, it } from 'vitest';
import { sleep } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { RunThread } from '../../src/schedule/run-thread.js';
import { RunThreadSet } from '../../src/schedule/run-thread-set.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { outcome, spec } from './helpers.js';

const SECOND = 1000;

describe('RunThread.retire', () => {
  it('lets the tick in flight finish unaborted, delivers its result, then ticks no more', async () => {
    const clock = new FakeClock();
    const delivered: unknown[] = [];
    let aborted = false;
    let n = 0;
    const thread = new RunThread({
      spec: spec('r', SECOND, async (signal) => {
        const mine = ++n;
        signal.addEventListener('abort', () => (aborted = true), { once: true });
        await sleep(clock, 300);
        return outcome({ n: mine });
      }),
      clock,
      logger: silentLogger,
      onTick: (o) => void delivered.push(o.returned),
    });
    const started = thread.start();
    await clock.advance(300);
    await started;
    await clock.advance(800); // 100 ms into the second tick
    expect(thread.busy).toBe(true);
    let retired = false;
    const p = thread.retire(10 * SECOND).then(() => (retired = true));
    await clock.advance(150);
    expect(retired).toBe(false); // still waiting for the tick
    await clock.advance(100);
    await p;
    expect(aborted).toBe(false);
    expect(delivered).toEqual([{ n: 1 }, { n: 2 }]);
    expect(thread.status()).toMatchObject({ running: false, runs: 2, errors: 0 });
    await clock.advance(10 * SECOND);
    expect(n).toBe(2);
    expect(clock.timers).toBe(0);
    expect(thread.stop()).toBe(thread.retire()); // one lifecycle: the same promise
  });

  it('aborts a tick still running at the deadline and leaves it behind (its late result is not delivered)', async () => {
    const clock = new FakeClock();
    const delivered: unknown[] = [];
    let calls = 0;
    const thread = new RunThread({
      spec: spec('slow', SECOND, async () => {
        calls++;
        if (calls === 1) return outcome({ first: true });
        await sleep(clock, 60 * SECOND); // ignores its signal
        return outcome({ late: true });
      }),
      clock,
      logger: silentLogger,
      onTick: (o) => void delivered.push(o.returned),
    });
    await thread.start();
    await clock.advance(SECOND + 10);
    const p = thread.retire(500);
    await clock.advance(500);
    await p;
    await clock.advance(60 * SECOND);
    expect(delivered).toEqual([{ first: true }]);
  });
});

describe('RunThreadSet.retire', () => {
  it('a new start of the id waits for the retiring tick: the two never overlap', async () => {
    const clock = new FakeClock();
    const set = new RunThreadSet({ clock, logger: silentLogger });
    let concurrent = 0;
    let maxConcurrent = 0;
    const log: string[] = [];
    const make = (version: string) =>
      spec('t', SECOND, async () => {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        log.push(`${version} start ${clock.now() % 100_000}`);
        await sleep(clock, 400);
        concurrent--;
        return outcome({ version });
      });
    await Promise.all([set.start(make('v1')), clock.advance(400)]);
    await clock.advance(700); // v1's second tick is 100 ms in
    const retiring = set.retire('t', 10 * SECOND);
    expect(set.get('t')).toBeUndefined();
    const next = set.start(make('v2'));
    await clock.advance(300);
    await retiring;
    await clock.advance(400);
    const started = await next;
    expect(started.first.returned).toEqual({ version: 'v2' });
    expect(maxConcurrent).toBe(1);
    expect(log.map((l) => l.split(' ')[0])).toEqual(['v1', 'v1', 'v2']);
    await set.stopAll();
  });

  it('stopAll() during a retire stops the retiring thread too', async () => {
    const clock = new FakeClock();
    const set = new RunThreadSet({ clock, logger: silentLogger });
    await Promise.all([
      set.start(
        spec('t', SECOND, async () => {
          await sleep(clock, 400);
          return outcome();
        }),
      ),
      clock.advance(400),
    ]);
    await clock.advance(700);
    void set.retire('t', 10 * SECOND);
    let stopped = false;
    const all = set.stopAll(SECOND).then(() => (stopped = true));
    await clock.advance(300);
    await all;
    expect(stopped).toBe(true);
    expect(clock.timers).toBe(0);
  });
});
