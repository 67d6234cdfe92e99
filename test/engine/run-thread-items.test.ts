/**
 * RunThread items beyond the basics (run-thread.test.ts): what a tick's pipe data holds
 * (issue 13 point 8), the `run_thread.<id>` snapshot's `started_at`, and shell items as
 * RunThreads with `parse:` (point 10). Real worker scripts, real shell commands, FakeClock ticks.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBlock } from '../../dist/config/index.js';
import { createLogger } from '../../dist/core/logger.js';
import { ProcblockError } from '../../dist/core/errors.js';
import { processMapping } from '../../dist/engine/index.js';
import { RunThreadSet } from '../../dist/schedule/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { FIXTURES, realServices, type RealServices } from './real-services.js';

const clock = new FakeClock(Date.UTC(2026, 0, 1, 12));
const results = new Map<string, (Record<string, unknown> | Error)[]>();
const waiters: { id: string; count: number; resolve: () => void }[] = [];
function record(id: string, r: Record<string, unknown> | Error): void {
  const list = results.get(id) ?? [];
  list.push(r);
  results.set(id, list);
  for (const w of waiters.filter((x) => x.id === id && list.length >= x.count)) {
    waiters.splice(waiters.indexOf(w), 1);
    w.resolve();
  }
}
const threads = new RunThreadSet({
  clock,
  logger: createLogger(() => undefined, 'silent'),
  hooks: (spec) => ({ onTick: (o) => record(spec.id, o.returned ?? {}), onError: (e) => record(spec.id, e as Error) }),
});
const tickCount = (id: string, count: number): Promise<void> =>
  (results.get(id)?.length ?? 0) >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ id, count, resolve }));
let real: RealServices;
const work = mkdtempSync(path.join(tmpdir(), 'pb-thread-items-'));
beforeAll(async () => {
  real = await realServices({ clock, runThreads: threads, maxThreads: 2 });
});
afterAll(async () => {
  await threads.stopAll(1000);
  await real.close();
  rmSync(work, { recursive: true, force: true });
});

const file = path.join(FIXTURES, 'block.yaml');
const run = (items: unknown[], pipeData?: Record<string, unknown>) => processMapping({ run: items }, { services: real.services, file, cwd: work, pipeData });

async function failure(p: Promise<unknown>): Promise<ProcblockError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ProcblockError);
  return e as ProcblockError;
}

describe("a tick's pipe data", () => {
  it('holds the pipe data the item saw, without run_thread.* statuses or what other RunThreads returned', async () => {
    const { pipeData } = await run([
      { set: { host: 'db1' } },
      { script: 'sees-keys.mjs', cache: 5, thread_id: 'keys-a' },
      { set: { after_a: 1, result_1: 'set again' } },
      { script: 'sees-keys.mjs', cache: 5, thread_id: 'keys-b' },
    ]);
    // keys-a returned saw + result_1; a later `set` wrote result_1 again, so keys-b sees that one.
    // (run_thread_tick is each tick's own: which thread and slot it runs for.)
    expect(pipeData.saw).toEqual(['after_a', 'host', 'result_1', 'run_thread_tick']);
    expect(pipeData).toMatchObject({ result_1: 'set again', result_2: 2 });
    expect(pipeData).toHaveProperty(['run_thread.keys-a']);
    await clock.advance(5000);
    await tickCount('keys-a', 2);
    await tickCount('keys-b', 2);
    expect(results.get('keys-a')?.map((r) => (r as { saw: string[] }).saw)).toEqual([
      ['host', 'run_thread_tick'],
      ['host', 'run_thread_tick'],
    ]);
    expect(results.get('keys-b')?.map((r) => (r as { saw: string[] }).saw)).toEqual([
      ['after_a', 'host', 'result_1', 'run_thread_tick'],
      ['after_a', 'host', 'result_1', 'run_thread_tick'],
    ]);
  });

  it('run_thread.<id> is a snapshot taken at start: started_at, the counts of that moment', async () => {
    const t0 = clock.now();
    const { pipeData } = await run([{ script: 'sees-keys.mjs', cache: 5, thread_id: 'snap' }]);
    expect(pipeData['run_thread.snap']).toMatchObject({ id: 'snap', runs: 1, started_at: t0 / 1000 });
    await clock.advance(5000);
    await tickCount('snap', 2);
    // Joining the running thread: the same started_at, the counts of now.
    const again = await run([{ script: 'sees-keys.mjs', cache: 5, thread_id: 'snap' }]);
    expect(again.pipeData['run_thread.snap']).toMatchObject({ runs: 2, started_at: t0 / 1000 });
  });
});

describe('shell items as RunThreads', () => {
  it('parse: kv — fields merged on the first processing, collected on every tick; status/output untouched', async () => {
    writeFileSync(path.join(work, 'count.sh'), 'n=$(cat n 2>/dev/null || echo 0); n=$((n+1)); echo $n > n\necho "runs $n"\necho "load=0.25"\necho "# comment"\necho "host: db1"\n');
    const { pipeData } = await run([{ shell: 'sh count.sh', cache: 5, thread_id: 'counter', parse: 'kv' }]);
    expect(pipeData).toMatchObject({ runs: 1, load: 0.25, host: 'db1' });
    expect(pipeData).not.toHaveProperty('status');
    expect(pipeData).not.toHaveProperty('output');
    expect(pipeData['run_thread.counter']).toMatchObject({ id: 'counter', running: true, intervalSeconds: 5, scripts: ['shell: sh count.sh'] });
    await clock.advance(5000);
    await tickCount('counter', 2);
    await clock.advance(5000);
    await tickCount('counter', 3);
    expect(results.get('counter')?.map((r) => (r as { runs: number }).runs)).toEqual([1, 2, 3]);
  });

  it('parse: json — an object of fields; a plain (not cached) shell item parses too, after the usual bookkeeping', async () => {
    const { pipeData } = await run([
      { shell: `echo '{"used": 41.5, "disk": {"root": 70}}'`, cache: 5, thread_id: 'json-thread', parse: 'json' },
      { shell: `echo '{"plain": true}'`, parse: 'json' },
    ]);
    expect(pipeData).toMatchObject({ used: 41.5, disk: { root: 70 }, plain: true, status: [0], output: '{"plain": true}\n' });
  });

  it('output parse cannot read → PB_ERR_SHELL_PARSE at the item; on a later tick it is counted as an error', async () => {
    const bad = await failure(run([{ shell: 'echo "fine 1"; echo "!! not a pair"', parse: 'kv' }]));
    expect(bad.code).toBe('PB_ERR_SHELL_PARSE');
    expect(bad.location?.keyPath).toBe('run[0].parse');
    expect((await failure(run([{ shell: 'echo "[1, 2]"', parse: 'json' }]))).code).toBe('PB_ERR_SHELL_PARSE');
    expect((await failure(run([{ shell: 'exit 3', cache: 5, thread_id: 'no-output', parse: 'json' }]))).code).toBe('PB_ERR_SHELL_PARSE');

    writeFileSync(path.join(work, 'flip.sh'), 'if [ -e flipped ]; then echo "broken"; else touch flipped; echo "ok 1"; fi\n');
    await run([{ shell: 'sh flip.sh', cache: 5, thread_id: 'flip', parse: 'kv' }]);
    await clock.advance(5000);
    await tickCount('flip', 2);
    const second = results.get('flip')?.[1];
    expect(second).toBeInstanceOf(ProcblockError);
    expect((second as ProcblockError).code).toBe('PB_ERR_SHELL_PARSE');
    expect(threads.get('flip')?.status()).toMatchObject({ running: true, errors: 1 });
  });

  it('fail_on_error: a failing first run fails the processing (PB_ERR_SHELL_FAILED); a shell RunThread needs a thread_id', async () => {
    expect((await failure(run([{ shell: 'exit 4', cache: 5, thread_id: 'fails', fail_on_error: true }]))).code).toBe('PB_ERR_SHELL_FAILED');
    expect(threads.get('fails')).toBeUndefined();
    const noId = await failure(run([{ shell: 'true', cache: 5 }]));
    expect(noId.code).toBe('PB_ERR_VALIDATION');
    expect(noId.location?.keyPath).toBe('run[0].cache');
  });

  it('takes %(name)s placeholders in cache and thread_id, as script items do (the command is never filled)', async () => {
    const { pipeData } = await run([{ set: { every: 5, name: 'filled' } }, { shell: 'echo "v %(name)s"', cache: '%(every)s', thread_id: '%(name)s', parse: 'kv' }]);
    expect(pipeData['run_thread.filled']).toMatchObject({ intervalSeconds: 5 });
    expect(pipeData.v).toBe('%(name)s');
  });

  it('the loader accepts cache/interval/thread_id/parse on shell items and reports a missing thread_id or a bad parse, located', async () => {
    const good = path.join(work, 'good.yaml');
    writeFileSync(good, 'run:\n  - shell: uptime\n    cache: true\n    interval: 5\n    thread_id: up\n    parse: kv\n    timeout: 2\n    singleton: true\n');
    await expect(checkBlock(good)).resolves.toBeDefined();
    const bad = path.join(work, 'bad.yaml');
    writeFileSync(bad, 'run:\n  - shell: uptime\n    cache: 5\n  - shell: uptime\n    cache: 5\n    thread_id: up\n    parse: yaml\n');
    const e = await failure(checkBlock(bad));
    const problems = e.problems.map((p) => ({ line: p.location?.line, keyPath: p.location?.keyPath }));
    expect(problems).toEqual(
      expect.arrayContaining([
        { line: 3, keyPath: 'run[0].cache' },
        { line: 7, keyPath: 'run[1].parse' },
      ]),
    );
  });
});
