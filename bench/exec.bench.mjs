// Benchmarks of the exec layer against plain piscina / raw worker messaging, in the same run.
// Usage: npm run build && node bench/exec.bench.mjs [calls]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { silentLogger } from '../dist/core/logger.js';
import { createScriptRunner } from '../dist/exec/index.js';
import { line, median, pct } from './report.mjs';

const CALLS = Number(process.argv[2] ?? 5000);
const FIX = fileURLToPath(new URL('../test/fixtures/scripts/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'pb-exec-bench-'));

async function timeEach(n, fn) {
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out[i] = (performance.now() - t) * 1000;
  }
  return out;
}
function call(script, pipeData = {}) {
  return { script: script.startsWith('/') ? script : FIX + script, pipeData, block: null, requestState: {}, inputData: {}, tag: 'run', cwd: FIX, env: {}, blockParent: {} };
}
async function loadUnidist() {
  for (const spec of ['../dist/unidist/index.js', '../dist/index.js']) {
    try {
      const m = await import(spec);
      if (typeof m.createUnidist === 'function') return await m.createUnidist();
    } catch {
      // not built yet
    }
  }
  return undefined;
}

// (a) a no-op script call vs a no-op piscina task, interleaved in rounds to share noise.
const peerWorker = join(tmp, 'noop-task.mjs');
writeFileSync(peerWorker, 'export default function noop() { return undefined; }\n');
const unidist = await loadUnidist();
const runner = createScriptRunner({ unidist: unidist ?? {}, logger: silentLogger, maxThreads: 1, cacheDir: join(tmp, 'cache') });
const pool = new Piscina({ filename: peerWorker, maxThreads: 1, minThreads: 1 });
await runner.run(call('noop.mjs'));
await pool.run(null);
const ours = [];
const peer = [];
const ROUNDS = 10;
for (let r = 0; r < ROUNDS; r++) {
  for (let i = 0; i < 200; i++) await runner.run(call('noop.mjs')); // warm-up per round
  for (let i = 0; i < 200; i++) await pool.run(null);
  ours.push(...(await timeEach(CALLS / ROUNDS, () => runner.run(call('noop.mjs')))));
  peer.push(...(await timeEach(CALLS / ROUNDS, () => pool.run(null))));
}
line('no-op script call p50', pct(ours, 50), 'piscina no-op task', pct(peer, 50), 'µs', '≤ 1.5×');
line('no-op script call p99', pct(ours, 99), 'piscina no-op task', pct(peer, 99), 'µs', 'report');
await pool.destroy();

// (a2) a typical small call (20-key pipe data in, one key set, an object returned) vs a piscina
// task that receives the same data and returns the same object.
const typicalWorker = join(tmp, 'typical-task.mjs');
writeFileSync(
  typicalWorker,
  'export default function t(p) { p.seen = (p.seen ?? 0) + 1; return { ret: { host: p.host, ok: true, value: Number(p.n) * 2 }, set: { seen: p.seen } }; }\n',
);
const tpool = new Piscina({ filename: typicalWorker, maxThreads: 1, minThreads: 1 });
const data = { host: 'web1', n: 21 };
for (let i = 0; i < 18; i++) data[`key${i}`] = i % 2 ? `value ${i}` : [i, { nested: i }];
await runner.run(call('bench-typical.mjs', data));
await tpool.run(data);
const tOurs = [];
const tPeer = [];
for (let r = 0; r < ROUNDS; r++) {
  tOurs.push(...(await timeEach(CALLS / ROUNDS / 2, () => runner.run(call('bench-typical.mjs', data)))));
  tPeer.push(...(await timeEach(CALLS / ROUNDS / 2, () => tpool.run(data))));
}
line('typical small script call p50', pct(tOurs, 50), 'piscina task, same data', pct(tPeer, 50), 'µs', 'report');
await tpool.destroy();

// (b) ctx.unidist.counter.increment from a script vs a raw worker→main→worker postMessage.
if (unidist) {
  const N = Math.min(CALLS, 5000);
  const out = await runner.run(call('bench-counter.ts', { n: N }));
  const inc = out.returned.samples.slice(200).map((ms) => ms * 1000);
  const echoWorker = join(tmp, 'echo.mjs');
  writeFileSync(
    echoWorker,
    `import { parentPort } from 'node:worker_threads';
     let res; parentPort.on('message', (m) => res(m));
     const s = [];
     for (let i = 0; i < ${N}; i++) { const t = performance.now(); await new Promise((r) => { res = r; parentPort.postMessage({ i }); }); s.push(performance.now() - t); }
     parentPort.postMessage({ done: s }); parentPort.close();`,
  );
  const raw = await new Promise((resolve, reject) => {
    const w = new Worker(echoWorker);
    w.on('message', (m) => (m.done ? resolve(m.done) : w.postMessage(m)));
    w.on('error', reject);
  });
  const rawUs = raw.slice(200).map((ms) => ms * 1000);
  line('counter.increment from a script p50', pct(inc, 50), 'raw worker postMessage round trip', pct(rawUs, 50), 'µs', '≤ 1.5×');
  line('counter.increment from a script p99', pct(inc, 99), 'raw worker postMessage round trip', pct(rawUs, 99), 'µs', 'report');
} else {
  console.log('counter.increment from a script: skipped (no createUnidist in dist/ yet)');
}
await runner.close();

// (c) ten calls at a time, two worker threads: calls of one script sharing a worker (the default,
// callsPerWorker 16) vs a worker thread per call (callsPerWorker 1), same script, same process,
// alternating rounds. A script that awaits (a unidist counter round trip to the main thread) and
// a no-op script.
if (unidist) {
  const awaits = join(tmp, 'awaits-counter.mjs');
  writeFileSync(awaits, "export const processBlock = async (_p, _b, _r, _i, ctx) => ({ n: await ctx.unidist.counter.increment('bench:awaits') });\n");
  const shared = createScriptRunner({ unidist, logger: silentLogger, maxThreads: 2, minThreads: 2, cacheDir: join(tmp, 'cache') });
  const single = createScriptRunner({ unidist, logger: silentLogger, maxThreads: 2, minThreads: 2, callsPerWorker: 1, cacheDir: join(tmp, 'cache') });
  const rate = async (r, script, n) => {
    let i = 0;
    const t = performance.now();
    await Promise.all(Array.from({ length: 10 }, async () => { while (i++ < n) await r.run(call(script)); }));
    return (n / (performance.now() - t)) * 1000;
  };
  for (const [name, script] of [['a script that awaits a counter increment', awaits], ['a no-op script', 'noop.mjs']]) {
    await rate(shared, script, 500);
    await rate(single, script, 500);
    const a = [];
    const b = [];
    for (let r = 0; r < 5; r++) {
      a.push(await rate(shared, script, CALLS / 5));
      b.push(await rate(single, script, CALLS / 5));
    }
    line(`10 calls at a time of ${name}, calls/s`, median(a), 'a worker thread per call (callsPerWorker 1)', median(b), 'calls/s', 'report (higher is better)');
  }
  await shared.close();
  await single.close();
}
await unidist?.close();

// Cold start, each in a fresh process: runner creation → first .ts result (disk cache warm),
// vs plain piscina creation → first no-op task.
const runnerUrl = new URL('../dist/exec/index.js', import.meta.url).href;
const loggerUrl = new URL('../dist/core/logger.js', import.meta.url).href;
const piscinaUrl = import.meta.resolve('piscina');
const coldOurs = `
  import { createScriptRunner } from ${JSON.stringify(runnerUrl)};
  import { silentLogger } from ${JSON.stringify(loggerUrl)};
  const t = performance.now();
  const r = createScriptRunner({ unidist: {}, logger: silentLogger, cacheDir: ${JSON.stringify(join(tmp, 'cache'))} });
  await r.run(${JSON.stringify(call('noop.ts'))});
  process.stdout.write(String(performance.now() - t));
  await r.close();`;
const coldPeer = `
  import { Piscina } from ${JSON.stringify(piscinaUrl)};
  const t = performance.now();
  const p = new Piscina({ filename: ${JSON.stringify(peerWorker)} });
  await p.run(null);
  process.stdout.write(String(performance.now() - t));
  await p.destroy();`;
const node = (code) => Number(execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' }));
node(coldOurs); // fills the transform cache
const coldA = [];
const coldB = [];
for (let i = 0; i < 7; i++) {
  coldA.push(node(coldOurs));
  coldB.push(node(coldPeer));
}
line('cold start to first .ts result p50', pct(coldA, 50), 'plain piscina first no-op task', pct(coldB, 50), 'ms', 'report');
rmSync(tmp, { recursive: true, force: true });
