/**
 * `singleton:` / `lock:` on run items (SPEC §5) at the block level: validation (`--check`), the
 * spec the engine hands the runtime, and `run_thread_tick` in each tick's pipe data. The
 * cross-process behaviour is in test/cli/redis-singleton.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// From dist/: the scripts run in worker threads (see test/engine/real-services.ts).
import { checkBlock, InputError, Runtime, type ProcblockError } from '../../dist/index.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-singleton-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  path.join(dir, 'tick.mjs'),
  'export async function processBlock(pipe) { return { seen: pipe.run_thread_tick }; }\n',
);
const write = (name: string, yaml: string): string => {
  const file = path.join(dir, name);
  writeFileSync(file, yaml);
  return file;
};

describe('singleton / lock run items', () => {
  it('--check: singleton or lock without cache, and lock with singleton: false, are validation errors at their keys', async () => {
    const file = write(
      'bad.yaml',
      ['run:', '  - {script: tick.mjs, singleton: true}', '  - {script: tick.mjs, lock: x}', '  - {script: tick.mjs, cache: 1, singleton: false, lock: x}', '  - {script: tick.mjs, cache: 1, singleton: "yes"}', ''].join('\n'),
    );
    let err: ProcblockError | undefined;
    try {
      await checkBlock(file);
    } catch (e) {
      err = e as ProcblockError;
    }
    expect(err).toBeInstanceOf(InputError);
    const where = err!.problems.map((p) => [p.location?.line, p.location?.keyPath]).sort((a, b) => Number(a[0]) - Number(b[0]));
    expect(where).toEqual([
      [2, 'run[0].singleton'],
      [3, 'run[1].lock'],
      [4, 'run[2].lock'],
      [5, 'run[3].singleton'],
    ]);
  });

  it('a singleton thread runs (memory back end: one process wins every slot); each tick sees run_thread_tick', async () => {
    const file = write('ok.yaml', ['run:', '  - {script: tick.mjs, cache: 60, thread_id: t, singleton: true}', ''].join('\n'));
    const block = await checkBlock(file);
    const rt = await Runtime.create();
    try {
      const { result } = await rt.run(block, { inputData: { args: [] } });
      const run = (result as { run: Record<string, unknown> }).run;
      const seen = run.seen as { thread_id: string; time: number };
      expect(seen.thread_id).toBe('t');
      expect(seen.time % 60).toBe(0); // the slot on the epoch grid, not "now"
      expect(run['run_thread.t']).toMatchObject({ runs: 1, ranElsewhere: 0, errors: 0 });
      expect((await rt.unidist.lock.list()).map((l) => l.name)).toEqual([`__slot:t:${seen.time * 1000}`]);
    } finally {
      await rt.stop();
    }
  });
});
