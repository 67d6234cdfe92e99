import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryUnidist, serveUnidist, type MemoryUnidist } from '../../dist/unidist/index.js';

const WORKER = new URL('./fixtures/unidist-worker.mjs', import.meta.url);

interface Started {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly detach: () => void;
  /** Resolves with the first non-unidist message of `type` the worker sends on the port. */
  next(type: string): Promise<Record<string, unknown>>;
}

const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.terminate()));
});

function start(u: MemoryUnidist, id: string, job: string, n = 0): Started {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER, { workerData: { port: port2, job, n }, transferList: [port2] });
  workers.push(worker);
  const detach = serveUnidist(u, port1, id);
  worker.once('exit', detach); // what the script runner does when a worker dies
  const next = (type: string): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const onMsg = (m: Record<string, unknown>): void => {
        if (m.type !== type) return;
        port1.off('message', onMsg);
        resolve(m);
      };
      port1.on('message', onMsg);
      worker.once('error', reject);
    });
  return { worker, port: port1, detach, next };
}

describe('remote unidist from real worker threads', () => {
  it('4 workers x 1,000 increments through the remote client make exactly 4,000', async () => {
    const u = await createMemoryUnidist();
    const started = Array.from({ length: 4 }, (_, i) => start(u, `w${i}`, 'increment', 1000));
    await Promise.all(started.map((s) => s.next('done')));
    expect(await u.counter.get('hits')).toBe(4000);
    await u.close();
  });

  it('a lock-guarded read-modify-write from 4 workers loses no update', async () => {
    const u = await createMemoryUnidist();
    const started = Array.from({ length: 4 }, (_, i) => start(u, `w${i}`, 'rmw', 100));
    await Promise.all(started.map((s) => s.next('done')));
    expect(await u.state.get('shared', 'value')).toBe(400);
    expect(await u.lock.isLocked('rmw')).toBe(false);
    await u.close();
  });

  it('a worker that dies holding a lock and waiting on a queue leaves neither behind', async () => {
    const u = await createMemoryUnidist();
    const s = start(u, 'doomed', 'hold');
    const holding = await s.next('holding');
    expect((await u.lock.list()).map((l) => [l.name, l.owner, l.token])).toEqual([['held', 'doomed', holding.token]]);
    const exited = new Promise((r) => s.worker.once('exit', r));
    await s.worker.terminate();
    await exited;
    expect(await u.lock.isLocked('held')).toBe(false);
    await u.queue.add('never', 'stays');
    expect(await u.queue.count('never')).toBe(1);
    await u.close();
  });
});
