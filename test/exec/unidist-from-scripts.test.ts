import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScriptRunner, type ScriptRunner } from '../../dist/exec/index.js';
import { createUnidist } from '../../dist/unidist/index.js';
import type { Unidist } from '../../dist/unidist/types.js';
import { call, recordingLogger } from './run-helpers.js';

describe('ctx.unidist inside worker threads', () => {
  let unidist: Unidist;
  let runner: ScriptRunner;
  beforeAll(async () => {
    unidist = await createUnidist();
    runner = createScriptRunner({ unidist, logger: recordingLogger().logger, maxThreads: 4, minThreads: 4, cacheDir: false });
  });
  afterAll(async () => {
    await runner.close();
    await unidist.close();
  });

  it('4 concurrent scripts × 1,000 increments lose nothing', async () => {
    const runs = [1, 2, 3, 4].map(() => runner.run(call('counter.ts', { pipeData: { name: 'shared', times: 1000 } })));
    const outs = await Promise.all(runs);
    expect(await unidist.counter.get('shared')).toBe(4000);
    // Each script saw only increasing values, and one of them saw the final count.
    expect(Math.max(...outs.map((o) => Number(o.returned?.last)))).toBe(4000);
  });

  it('works for a call made in the same tick as the runner was created', async () => {
    const fresh = createScriptRunner({ unidist, logger: recordingLogger().logger, maxThreads: 1, cacheDir: false });
    const out = await fresh.run(call('counter.ts', { pipeData: { name: 'same-tick', times: 3 } }));
    expect(out.returned).toEqual({ last: 3 });
    await fresh.close();
  });
});
