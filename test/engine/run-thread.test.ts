/** `cache:` run items become RunThreads (real RunThreadSet, real worker scripts, FakeClock ticks). */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../dist/core/logger.js';
import { processMapping } from '../../dist/engine/index.js';
import { RunThreadSet } from '../../dist/schedule/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { FIXTURES, realServices, type RealServices } from './real-services.js';

const clock = new FakeClock();
/** Tick results per thread id, in order; `nextTick(id)` resolves on that thread's next tick. */
const ticks = new Map<string, Record<string, unknown>[]>();
const waiters: { id: string; count: number; resolve: () => void }[] = [];
const threads = new RunThreadSet({
  clock,
  logger: createLogger(() => undefined, 'silent'),
  hooks: (spec) => ({
    onTick: (outcome) => {
      const list = ticks.get(spec.id) ?? [];
      list.push(outcome.returned ?? {});
      ticks.set(spec.id, list);
      for (const w of waiters.filter((x) => x.id === spec.id && list.length >= x.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    },
  }),
});
const tickCount = (id: string, count: number): Promise<void> =>
  (ticks.get(id)?.length ?? 0) >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ id, count, resolve }));
let real: RealServices;
beforeAll(async () => {
  real = await realServices({ clock, runThreads: threads, maxThreads: 2 });
});
afterAll(async () => {
  await threads.stopAll(1000);
  await real.close();
});

const file = path.join(FIXTURES, 'block.yaml');

describe('cache: run items', () => {
  it('starts a RunThread, merges its first result, stores its status, and ticks on the clock', async () => {
    const { result, pipeData } = await processMapping(
      { run: [{ set: { label: 'first' } }, { script: 'tick.mjs', cache: 5 }, { set: { label: 'changed' } }] },
      { services: real.services, file },
    );
    expect(pipeData).toMatchObject({ tick: 1, sawLabel: 'first', label: 'changed' });
    const status = pipeData['run_thread.tick'] as Record<string, unknown>;
    expect(status).toMatchObject({ id: 'tick', running: true, intervalSeconds: 5, scripts: ['tick.mjs'] });
    expect((result as { run: Record<string, unknown> }).run['run_thread.tick']).toEqual(status);

    // Later ticks run on the clock, each on the pipe data as it was when the thread started.
    await clock.advance(5000);
    await tickCount('tick', 2);
    await clock.advance(5000);
    await tickCount('tick', 3);
    expect(ticks.get('tick')?.map((r) => r.sawLabel)).toEqual(['first', 'first', 'first']);
    expect(await real.unidist.counter.get('ticks')).toBe(3);
  });

  it('accepts cache: true + interval and a thread_id; without a host it runs once with a warning', async () => {
    const before = await real.unidist.counter.get('ticks');
    const { pipeData } = await processMapping(
      { run: [{ script: 'tick.mjs', cache: true, interval: 2, thread_id: 'other' }] },
      { services: real.services, file },
    );
    expect((pipeData['run_thread.other'] as { intervalSeconds: number }).intervalSeconds).toBe(2);

    const noHost = { ...real.services, runThreads: undefined };
    const once = await processMapping({ run: [{ script: 'tick.mjs', cache: 9 }] }, { services: noHost, file });
    expect(once.pipeData).not.toHaveProperty('run_thread.tick');
    expect(await real.unidist.counter.get('ticks')).toBeGreaterThanOrEqual(before + 2);
    expect(real.logs.some((l) => l.level === 'warn' && l.msg.includes('no RunThread host'))).toBe(true);
  });

  it('rejects cache: true without interval', async () => {
    const e = await processMapping({ run: [{ script: 'tick.mjs', cache: true }] }, { services: real.services, file }).catch((err: unknown) => err);
    expect((e as { code: string }).code).toBe('PB_ERR_VALIDATION');
  });
});
