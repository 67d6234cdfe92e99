import { describe, expect, it } from 'vitest';
import { sleep } from '../../src/core/clock.js';
import { isProcblockError, RuntimeFailure } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { RunThread } from '../../src/schedule/run-thread.js';
import { FakeClock, flushMicrotasks } from '../helpers/fake-clock.js';
import { deferred, LaggyClock, memoryLogger, outcome, seededRandom, spec } from './helpers.js';

const SECOND = 1000;

describe('RunThread scheduling', () => {
  it('lands every tick exactly on start + k·interval across 10,000 ticks while runs take random time', async () => {
    const clock = new FakeClock();
    const interval = 5 * SECOND;
    const random = seededRandom(42);
    const starts: number[] = [];
    const tickTimes: number[] = [];
    const thread = new RunThread({
      spec: spec('drift', interval, async () => {
        starts.push(clock.now());
        // Each run takes up to 95% of the interval: a "sleep interval after the run" scheduler
        // would drift by the sum of these.
        await sleep(clock, Math.floor(random() * interval * 0.95));
        return outcome({ n: starts.length });
      }),
      clock,
      logger: silentLogger,
      onTick: (_o, t) => {
        tickTimes.push(t);
      },
    });
    const t0 = clock.now();
    const startP = thread.start();
    await clock.advance(interval);
    await startP;
    await clock.advance(9_999 * interval - 1);

    expect(starts).toHaveLength(10_000);
    for (let k = 0; k < starts.length; k++) {
      if (starts[k] !== t0 + k * interval) throw new Error(`tick ${k} started at ${starts[k]}, expected ${t0 + k * interval}`);
      if (tickTimes[k] !== t0 + k * interval) throw new Error(`tick ${k} reported time ${tickTimes[k]}`);
    }
    expect(thread.status()).toMatchObject({ runs: 10_000, skipped: 0, errors: 0, running: true });
    expect(thread.busy).toBe(false);
    await thread.stop();
  });

  it('skips ticks that come due while a slow run is still running, never overlapping', async () => {
    const clock = new FakeClock();
    const interval = SECOND;
    let concurrent = 0;
    let maxConcurrent = 0;
    const starts: number[] = [];
    const thread = new RunThread({
      spec: spec('slow', interval, async () => {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        starts.push(clock.now());
        await sleep(clock, 2.5 * interval);
        concurrent--;
        return outcome();
      }),
      clock,
      logger: silentLogger,
    });
    const t0 = clock.now();
    const startP = thread.start();
    await clock.advance(3 * interval);
    await startP;
    await clock.advance(27 * interval);

    // Slots 0..30 elapsed; runs start on slots 0, 3, 6, ... 30; the others were skipped.
    expect(starts).toEqual(Array.from({ length: 11 }, (_, i) => t0 + 3 * i * interval));
    expect(maxConcurrent).toBe(1);
    expect(thread.status()).toMatchObject({ runs: 10, skipped: 20, errors: 0 });
    expect(thread.busy).toBe(true);
    const stopP = thread.stop(5 * interval);
    await clock.advance(2.5 * interval);
    await stopP;
    expect(thread.status()).toMatchObject({ runs: 11, skipped: 20 });
  });

  it('accounts for every slot as run or skipped when run lengths vary around the interval', async () => {
    const clock = new FakeClock();
    const interval = SECOND;
    const random = seededRandom(7);
    let concurrent = 0;
    let maxConcurrent = 0;
    let started = 0;
    const thread = new RunThread({
      spec: spec('mixed', interval, async () => {
        started++;
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await sleep(clock, Math.floor((0.3 + random() * 3) * interval));
        concurrent--;
        return outcome();
      }),
      clock,
      logger: silentLogger,
    });
    const startP = thread.start();
    await clock.advance(4 * interval);
    await startP;
    await clock.advance(996 * interval);
    const s = thread.status();
    expect(maxConcurrent).toBe(1);
    expect(s.skipped).toBeGreaterThan(0);
    // Slots 0..1000: each either started a run or was skipped.
    expect(started + s.skipped).toBe(1001);
    expect(s.runs).toBe(started - (thread.busy ? 1 : 0));
    const stopP = thread.stop(10 * interval);
    await clock.advance(10 * interval);
    await stopP;
  });

  it('runs the latest due slot when a timer fires late and counts the passed slots as skipped', async () => {
    const fake = new FakeClock();
    const interval = SECOND;
    // setTimeout call 0 arms slot 1, call 1 arms slot 2: make slot 2's timer 3.5 intervals late.
    const clock = new LaggyClock(fake, (call) => (call === 1 ? 3.5 * interval : 0));
    const times: number[] = [];
    const thread = new RunThread({
      spec: spec('late', interval, () => Promise.resolve(outcome())),
      clock,
      logger: silentLogger,
      onTick: (_o, t) => {
        times.push(t);
      },
    });
    const t0 = fake.now();
    await thread.start();
    await fake.advance(7 * interval);
    // Slot 2's timer fired at 5.5 intervals: it ran slot 5 and skipped 2, 3, 4.
    expect(times).toEqual([0, 1, 5, 6, 7].map((k) => t0 + k * interval));
    expect(thread.status()).toMatchObject({ runs: 5, skipped: 3 });
    await thread.stop();
  });
});

describe('RunThread errors', () => {
  it('keeps ticking after a tick throws, counting errors and keeping the last error', async () => {
    const clock = new FakeClock();
    const { logger, records } = memoryLogger();
    let n = 0;
    const errorTimes: number[] = [];
    const thread = new RunThread({
      spec: spec('flaky', SECOND, () => {
        n++;
        if (n % 3 === 0) return Promise.reject(new RuntimeFailure('PB_ERR_SCRIPT_THROW', `boom ${n}`));
        return Promise.resolve(outcome({ n }));
      }),
      clock,
      logger,
      onError: (_e, t) => errorTimes.push(t),
    });
    const t0 = clock.now();
    await thread.start();
    await clock.advance(9 * SECOND);
    expect(n).toBe(10);
    expect(thread.status()).toMatchObject({ running: true, runs: 10, errors: 3, lastError: 'boom 9' });
    expect(errorTimes).toEqual([2, 5, 8].map((k) => t0 + k * SECOND));
    expect(records.filter((r) => r.level === 'error')).toHaveLength(3);
    expect(thread.latestOutcome?.returned).toEqual({ n: 10 });
    await thread.stop();
  });

  it('rejects start() with the first tick’s error and stops the thread', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const thread = new RunThread({
      spec: spec('bad', SECOND, () => {
        calls++;
        return Promise.reject(new RuntimeFailure('PB_ERR_SCRIPT_THROW', 'first failed'));
      }),
      clock,
      logger: silentLogger,
    });
    const err: unknown = await thread.start().catch((e: unknown) => e);
    expect(isProcblockError(err) && err.code).toBe('PB_ERR_SCRIPT_THROW');
    expect(thread.status()).toMatchObject({ running: false, runs: 1, errors: 1, lastError: 'first failed' });
    expect(clock.timers).toBe(0);
    await clock.advance(10 * SECOND);
    expect(calls).toBe(1);
    await expect(thread.stop()).resolves.toBeUndefined();
  });

  it('counts a throwing onTick hook as an error of that tick and keeps going', async () => {
    const clock = new FakeClock();
    let ticks = 0;
    const thread = new RunThread({
      spec: spec('hook', SECOND, () => Promise.resolve(outcome())),
      clock,
      logger: silentLogger,
      onTick: () => {
        ticks++;
        if (ticks === 2) throw new Error('collector broke');
      },
    });
    await thread.start();
    await clock.advance(3 * SECOND);
    expect(ticks).toBe(4);
    expect(thread.status()).toMatchObject({ runs: 4, errors: 1, lastError: 'collector broke' });
    await thread.stop();
  });

  it('rejects start() when the first tick’s onTick hook fails', async () => {
    const clock = new FakeClock();
    const thread = new RunThread({
      spec: spec('hook-first', SECOND, () => Promise.resolve(outcome())),
      clock,
      logger: silentLogger,
      onTick: () => Promise.reject(new RuntimeFailure('PB_ERR_RRD_IO', 'disk full')),
    });
    await expect(thread.start()).rejects.toMatchObject({ code: 'PB_ERR_RRD_IO' });
    expect(thread.status()).toMatchObject({ running: false, runs: 1, errors: 1 });
    expect(clock.timers).toBe(0);
  });

  it('refuses a non-positive interval with PB_ERR_INVALID_ARGUMENT', () => {
    const make = (ms: number) => () =>
      new RunThread({ spec: spec('x', ms, () => Promise.resolve(outcome())), clock: new FakeClock(), logger: silentLogger });
    for (const ms of [0, -5, Number.NaN, Infinity]) {
      expect(make(ms)).toThrowError(expect.objectContaining({ code: 'PB_ERR_INVALID_ARGUMENT' }) as Error);
    }
  });
});

describe('RunThread lifecycle', () => {
  it('resolves start() only after the first result, with that result', async () => {
    const clock = new FakeClock();
    const first = deferred<ReturnType<typeof outcome>>();
    const thread = new RunThread({ spec: spec('wait', SECOND, () => first.promise), clock, logger: silentLogger });
    let settled = false;
    const startP = thread.start().then((o) => {
      settled = true;
      return o;
    });
    await flushMicrotasks();
    expect(settled).toBe(false);
    expect(thread.status()).toMatchObject({ running: true, runs: 0 });
    first.resolve(outcome({ random: 42 }));
    const o = await startP;
    expect(o.returned).toEqual({ random: 42 });
    expect(thread.start()).toBe(thread.start());
    await thread.stop();
  });

  it('stop() aborts the in-flight tick’s signal, waits for it, and stops scheduling', async () => {
    const clock = new FakeClock();
    let calls = 0;
    let seenSignal: AbortSignal | undefined;
    const delivered: number[] = [];
    const thread = new RunThread({
      spec: spec('stoppable', SECOND, (signal) => {
        calls++;
        if (calls === 1) return Promise.resolve(outcome());
        seenSignal = signal;
        // Cooperative: finishes 200 ms after the abort.
        return new Promise((resolve) => {
          signal.addEventListener('abort', () => clock.setTimeout(() => resolve(outcome({ last: true })), 200), {
            once: true,
          });
        });
      }),
      clock,
      logger: silentLogger,
      onTick: (o) => {
        if (o.returned?.['last']) delivered.push(clock.now());
      },
    });
    await thread.start();
    await clock.advance(SECOND);
    expect(thread.busy).toBe(true);

    let stopped = false;
    const stopP = thread.stop(5 * SECOND);
    expect(thread.stop(1)).toBe(stopP);
    void stopP.then(() => (stopped = true));
    await flushMicrotasks();
    expect(seenSignal?.aborted).toBe(true);
    expect(isProcblockError(seenSignal?.reason) && seenSignal.reason.code).toBe('PB_ERR_ABORTED');
    expect(stopped).toBe(false);
    expect(thread.status().running).toBe(false);

    await clock.advance(200);
    expect(stopped).toBe(true);
    expect(delivered).toHaveLength(1);
    expect(thread.status()).toMatchObject({ runs: 2, errors: 0 });
    await clock.advance(10 * SECOND);
    expect(calls).toBe(2);
    expect(clock.timers).toBe(0);
  });

  it('stop() gives up at the deadline and does not deliver a later outcome', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const hung = deferred<ReturnType<typeof outcome>>();
    const delivered: unknown[] = [];
    const thread = new RunThread({
      spec: spec('stubborn', SECOND, () => (++calls === 1 ? Promise.resolve(outcome()) : hung.promise)),
      clock,
      logger: silentLogger,
      onTick: (o) => {
        delivered.push(o.returned);
      },
    });
    await thread.start();
    await clock.advance(SECOND);
    let stopped = false;
    void thread.stop(500).then(() => (stopped = true));
    await clock.advance(499);
    expect(stopped).toBe(false);
    await clock.advance(1);
    expect(stopped).toBe(true);
    hung.resolve(outcome({ late: true }));
    await flushMicrotasks();
    expect(delivered).toEqual([{}]);
  });

  it('an aborted tick that throws during stop is not counted as an error', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const thread = new RunThread({
      spec: spec('aborts', SECOND, (signal) =>
        ++calls === 1 ? Promise.resolve(outcome()) : sleep(clock, 10 * SECOND, signal).then(() => outcome()),
      ),
      clock,
      logger: silentLogger,
    });
    await thread.start();
    await clock.advance(SECOND);
    await thread.stop(SECOND);
    expect(thread.status()).toMatchObject({ runs: 2, errors: 0, running: false });
    expect(clock.timers).toBe(0);
  });

  it('stop() before start() makes start() reject with PB_ERR_CLOSED', async () => {
    const thread = new RunThread({ spec: spec('never', SECOND, () => Promise.resolve(outcome())), clock: new FakeClock(), logger: silentLogger });
    await thread.stop();
    await expect(thread.start()).rejects.toMatchObject({ code: 'PB_ERR_CLOSED' });
  });

  it('reports status fields in seconds', async () => {
    const clock = new FakeClock();
    const thread = new RunThread({
      spec: spec('status', 2500, () => sleep(clock, 300).then(() => outcome())),
      clock,
      logger: silentLogger,
    });
    const t0 = clock.now();
    expect(thread.status()).toEqual({
      id: 'status',
      running: false,
      intervalSeconds: 2.5,
      runs: 0,
      skipped: 0,
      errors: 0,
      ranElsewhere: 0,
      lastStart: undefined,
      lastDuration: undefined,
      lastError: undefined,
      scripts: ['status.ts'],
    });
    const startP = thread.start();
    await clock.advance(300);
    await startP;
    await clock.advance(2200);
    expect(thread.status()).toMatchObject({ running: true, runs: 1, lastStart: (t0 + 2500) / 1000, lastDuration: 0.3 });
    await clock.advance(300);
    expect(thread.status()).toMatchObject({ runs: 2, lastDuration: 0.3 });
    await thread.stop();
    expect(thread.status().running).toBe(false);
  });
});
