// unidist benchmarks. Figures:
//  - a counter increment from a worker thread through the remote client, against a raw
//    postMessage round trip over the same kind of MessagePort (target: ratio <= 1.5);
//  - an in-process increment with persistence on (journal + flush every 1 s) against the
//    same without persistence (target: ratio <= 2).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { createMemoryUnidist, serveUnidist } from '../dist/unidist/index.js';

const N = Number(process.env.UNIDIST_BENCH_N ?? 20000);
const ROUNDS = 5;
const clientUrl = new URL('../dist/unidist/index.js', import.meta.url).href;

const WORKER_SRC = `
import { workerData } from 'node:worker_threads';
const { port, mode, n } = workerData;
const { connectUnidist } = await import(${JSON.stringify(clientUrl)});
const round = async () => {
  if (mode === 'raw') {
    let resolveNext;
    port.on('message', (m) => { if (m.echo !== undefined) resolveNext(m); });
    const rt = (i) => new Promise((r) => { resolveNext = r; port.postMessage({ echo: i }); });
    for (let i = 0; i < 2000; i++) await rt(i); // warm-up
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await rt(i);
    return performance.now() - t0;
  }
  const u = connectUnidist(port);
  for (let i = 0; i < 2000; i++) await u.counter.increment('warm');
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await u.counter.increment('hits');
  return performance.now() - t0;
};
port.postMessage({ result: await round() });
port.close();
`;

async function workerRound(mode) {
  const u = await createMemoryUnidist();
  const { port1, port2 } = new MessageChannel();
  if (mode === 'raw') port1.on('message', (m) => m.echo !== undefined && port1.postMessage(m));
  else serveUnidist(u, port1, 'bench');
  const w = new Worker(new URL(`data:text/javascript,${encodeURIComponent(WORKER_SRC)}`), {
    workerData: { port: port2, mode, n: N },
    transferList: [port2],
  });
  const ms = await new Promise((resolve, reject) => {
    port1.on('message', (m) => m.result !== undefined && resolve(m.result));
    w.once('error', reject);
  });
  await w.terminate();
  port1.close();
  await u.close();
  return (ms * 1000) / N; // µs per op
}

async function inProcessRound(stateDir) {
  const u = await createMemoryUnidist({ stateDir });
  for (let i = 0; i < 2000; i++) await u.counter.increment('warm');
  const t0 = performance.now();
  for (let i = 0; i < N * 5; i++) await u.counter.increment('hits');
  const ms = performance.now() - t0;
  await u.close();
  return (ms * 1e6) / (N * 5); // ns per op
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const remote = [];
const raw = [];
for (let r = 0; r < ROUNDS; r++) {
  raw.push(await workerRound('raw'));
  remote.push(await workerRound('unidist'));
}
const rm = median(remote);
const rw = median(raw);
console.log(`worker counter.increment round trip: ours ${rm.toFixed(2)} µs/op | raw worker postMessage round trip ${rw.toFixed(2)} µs/op | ratio ${(rm / rw).toFixed(2)} | target <= 1.5`);

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-unidist-bench-'));
const persisted = [];
const plain = [];
try {
  for (let r = 0; r < ROUNDS; r++) {
    plain.push(await inProcessRound(undefined));
    persisted.push(await inProcessRound(dir));
  }
} finally {
  await fs.rm(dir, { recursive: true, force: true });
}
const pm = median(persisted);
const pl = median(plain);
console.log(`in-process counter.increment with persistence: ours ${pm.toFixed(0)} ns/op | same without persistence ${pl.toFixed(0)} ns/op | ratio ${(pm / pl).toFixed(2)} | target <= 2`);
