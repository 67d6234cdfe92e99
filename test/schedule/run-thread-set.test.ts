import { describe, expect, it } from 'vitest';
import { sleep } from '../../src/core/clock.js';
import { RuntimeFailure } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { RunThreadSet } from '../../src/schedule/run-thread-set.js';
import type { RunThreadSpec } from '../../src/schedule/types.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { outcome, spec } from './helpers.js';

const SECOND = 1000;

describe('RunThreadSet', () => {
  it('starts a thread once per id; a second start joins it and gets its latest result', async () => {
    const clock = new FakeClock();
    const set = new RunThreadSet({ clock, logger: silentLogger });
    let n = 0;
    const s = spec('simplest', 5 * SECOND, () => Promise.resolve(outcome({ n: ++n })));
    const a = await set.start(s);
    expect(a.first.returned).toEqual({ n: 1 });
    await clock.advance(10 * SECOND);
    const b = await set.start(s);
    expect(b.first.returned).toEqual({ n: 3 });
    expect(n).toBe(3);
    expect(set.statuses()).toHaveLength(1);
    expect(b.status()).toMatchObject({ id: 'simplest', runs: 3, running: true });
    await set.stopAll();
  });

  it('concurrent starts of the same id share the first tick', async () => {
    const clock = new FakeClock();
    const set = new RunThreadSet({ clock, logger: silentLogger });
    let calls = 0;
    const s = spec('same', SECOND, () => {
      calls++;
      return sleep(clock, 300).then(() => outcome({ calls }));
    });
    const both = Promise.all([set.start(s), set.start(s)]);
    await clock.advance(300);
    const [a, b] = await both;
    expect(calls).toBe(1);
    expect(a.first).toBe(b.first);
    await set.stopAll();
  });

  it('attaches the hooks returned for each spec', async () => {
    const clock = new FakeClock();
    const seen: string[] = [];
    const set = new RunThreadSet({
      clock,
      logger: silentLogger,
      hooks: (sp: RunThreadSpec) => ({ onTick: (_o, t) => void seen.push(`${sp.id}@${t - clock.now()}`) }),
    });
    await set.start(spec('a', SECOND, () => Promise.resolve(outcome())));
    await set.start(spec('b', SECOND, () => Promise.resolve(outcome())));
    expect(seen).toEqual(['a@0', 'b@0']);
    await clock.advance(SECOND);
    expect(seen.sort()).toEqual(['a@0', 'a@0', 'b@0', 'b@0']);
    await set.stopAll();
  });

  it('forgets a thread whose first tick failed, so a later start retries', async () => {
    const clock = new FakeClock();
    const set = new RunThreadSet({ clock, logger: silentLogger });
    let calls = 0;
    const s = spec('retry', SECOND, () =>
      ++calls === 1 ? Promise.reject(new RuntimeFailure('PB_ERR_SCRIPT_THROW', 'nope')) : Promise.resolve(outcome({ calls })),
    );
    await expect(set.start(s)).rejects.toMatchObject({ code: 'PB_ERR_SCRIPT_THROW' });
    expect(set.statuses()).toHaveLength(0);
    const ok = await set.start(s);
    expect(ok.first.returned).toEqual({ calls: 2 });
    await set.stopAll();
  });

  it('stopAll() stops every thread, waits for in-flight ticks, is idempotent, and refuses new starts', async () => {
    const clock = new FakeClock();
    const set = new RunThreadSet({ clock, logger: silentLogger });
    const aborted: string[] = [];
    const slow = (id: string): RunThreadSpec =>
      spec(id, SECOND, async (signal) => {
        // Every tick of a thread gets the thread's signal: a tick removes its listener when it ends.
        const onAbort = (): number => aborted.push(id);
        signal.addEventListener('abort', onAbort, { once: true });
        await sleep(clock, 400);
        signal.removeEventListener('abort', onAbort);
        return outcome();
      });
    const starts = Promise.all([set.start(slow('x')), set.start(slow('y'))]);
    await clock.advance(400);
    await starts;
    await clock.advance(700); // both threads are 100 ms into their second tick
    const stopP = set.stopAll(SECOND);
    expect(set.stopAll()).toBe(stopP);
    expect(aborted.sort()).toEqual(['x', 'y']);
    await clock.advance(300);
    await stopP;
    expect(set.statuses().map((s) => [s.id, s.running, s.runs])).toEqual([
      ['x', false, 2],
      ['y', false, 2],
    ]);
    expect(clock.timers).toBe(0);
    await expect(set.start(slow('z'))).rejects.toMatchObject({ code: 'PB_ERR_CLOSED' });
    expect(set.get('x')?.id).toBe('x');
  });
});
