/**
 * `run simultaneous` and `require lock` under real concurrency: scripts in worker threads
 * sharing the real memory unidist (reached from workers over its message channel).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcblockError } from '../../dist/core/errors.js';
import { processMapping } from '../../dist/engine/index.js';
import { FIXTURES, realServices, type RealServices } from './real-services.js';

let real: RealServices;
beforeAll(async () => {
  real = await realServices({ maxThreads: 4 });
});
afterAll(async () => {
  await real.close();
});

const file = path.join(FIXTURES, 'block.yaml');
const counting = (counter: string) => [{ set: { counter, times: 1000 } }, { script: 'count.mjs' }];

describe('run simultaneous', () => {
  it('runs four lists concurrently; 4 × 1,000 counter increments end at exactly 4,000', async () => {
    const { result, pipeData } = await processMapping(
      { 'run simultaneous': { a: counting('hits'), b: counting('hits'), c: counting('hits'), d: counting('hits') } },
      { services: real.services, file, inputData: { base: 1 } },
    );
    expect(await real.unidist.counter.get('hits')).toBe(4000);
    const statuses = (result as { 'run simultaneous': Record<string, { status: string; __duration: number }> })['run simultaneous'];
    expect(Object.keys(statuses)).toEqual(['a', 'b', 'c', 'd']);
    for (const s of Object.values(statuses)) expect(s.status).toBe('ok');
    // Each list worked on its own copy: nothing merged back into the pipeline's pipe data.
    expect(pipeData).toEqual({ base: 1 });
  });

  it('lets the other lists finish, then fails with the failed list\'s error', async () => {
    const e = (await processMapping(
      { 'run simultaneous': { good: counting('finished'), bad: [{ script: 'throws.mjs' }] } },
      { services: real.services, file },
    ).catch((err: unknown) => err)) as ProcblockError;
    expect(e.code).toBe('PB_ERR_SCRIPT_THROW');
    expect(e.location?.keyPath).toBe('run simultaneous.bad[0]');
    expect(await real.unidist.counter.get('finished')).toBe(1000);
  });
});

describe('run simultaneous and the abort signal', () => {
  it('forwards the signal to running scripts and stops before the next item', async () => {
    const ac = new AbortController();
    const looping = [{ script: 'until-aborted.mjs' }, { script: 'count.mjs' }];
    const p = processMapping({ 'run simultaneous': { a: looping, b: looping } }, { services: real.services, file, signal: ac.signal }).then(
      () => undefined,
      (e: unknown) => e as ProcblockError,
    );
    await real.unidist.queue.wait('started');
    await real.unidist.queue.wait('started');
    ac.abort(new Error('stopping'));
    const e = await p;
    expect(e?.code).toBe('PB_ERR_ABORTED');
    expect(e?.location?.keyPath).toMatch(/^run simultaneous\.[ab]\[1\]$/);
  });
});

describe('require lock across concurrent pipelines', () => {
  const rmw = (locked: boolean) => ({
    ...(locked ? { 'require lock': { name: 'rmw' } } : {}),
    run: [{ script: 'read-modify-write.mjs' }],
  });

  async function hammer(locked: boolean, pipelines: number, rounds: number): Promise<number> {
    await real.unidist.state.set('rmw', 'value', 0);
    await Promise.all(
      Array.from({ length: pipelines }, async () => {
        for (let i = 0; i < rounds; i++) await processMapping(rmw(locked), { services: real.services, file });
      }),
    );
    return (await real.unidist.state.get<number>('rmw', 'value')) ?? -1;
  }

  it('loses no read-modify-write update when guarded', async () => {
    expect(await hammer(true, 4, 25)).toBe(100);
    expect(await real.unidist.lock.isLocked('rmw')).toBe(false);
  });

  it('(control) the same read-modify-write without the lock does lose updates', async () => {
    expect(await hammer(false, 4, 25)).toBeLessThan(100);
  });
});
