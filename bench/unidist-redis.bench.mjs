// unidist on Redis (issue 8). Starts its own redis-server on a unix socket in a temp folder
// (no persistence), and prints each figure beside a peer measured in the same run:
//  1. counter increments from a block script (worker thread → main thread → Redis, one Lua
//     script per increment) against `redis-benchmark -c 1 INCR` over the same socket (one
//     connection, one request at a time). Two ways from the script: one increment at a time
//     (awaiting each: the like-for-like figure), and 64 in flight (they share the runtime's one
//     Redis connection, which pipelines them; shown also against `redis-benchmark -c 1 -P 64`).
//     Target: >= 0.7x the peer's rate per connection.
//  2. lock acquire + release (lock-acquire.lua + lock-release.lua with its PUBLISH) against a
//     bare `SET key value NX PX 30000` + `DEL key` pair from node-redis on the same socket.
//     Target: <= 2x its latency.
//  3. queue hand-off between two processes: a message added in this process and taken by a
//     blocking `wait` in a child process, which adds the answer that this process takes (two
//     hand-offs per round trip); p50/p99 of the round trip against the same ping-pong with raw
//     node-redis RPUSH + BLPOP between two processes.
//  4. the changes feed (issue 12): Redis's own CPU time per call (INFO commandstats, EVALSHA
//     usec_per_call) of counter-add.lua as shipped, whose PUBLISH reports each change, against
//     the same script without the PUBLISH line; nobody subscribed (what every process pays), and
//     with one subscriber (a dropSTAR process with a page open). Paired rounds, median. Report.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@redis/client';
import { Runtime, createUnidist } from '../dist/index.js';
import { blockFromObject } from '../dist/engine/in-memory-block.js';
import { pct } from './report.mjs';

const N_SCRIPT = Number(process.env.REDIS_BENCH_N ?? 20000);
const N_LOCK = Number(process.env.REDIS_BENCH_LOCK_N ?? 500);
const LOCK_ROUNDS = 15; // short rounds, ours and the peer back to back: a burst of load hits both
const N_QUEUE = Number(process.env.REDIS_BENCH_QUEUE_N ?? 3000);
const ROUNDS = 3;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (x, d = 1) => x.toFixed(d);

if (spawnSync('redis-server', ['--version']).status !== 0) {
  console.log('redis-server not found: skipping the Redis unidist benchmark (apt-get install redis-server)');
  process.exit(0);
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-redis-bench-'));
const socket = path.join(dir, 'r.sock');
const url = `unix://${socket}`;
const server = spawn('redis-server', ['--port', '0', '--unixsocket', socket, '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.setEncoding('utf8').on('data', (d) => {
    out += d;
    if (/ready to accept connections/i.test(out)) resolve();
  });
  server.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready`)));
});

try {
  // --- 1. counter increments from a script vs redis-benchmark -c 1 INCR ---
  const scriptFile = path.join(dir, 'incr.mjs');
  writeFileSync(
    scriptFile,
    `export async function processBlock(_p, _b, _r, input, ctx) {
  const u = ctx.unidist;
  const n = input.n, inflight = input.inflight;
  for (let i = 0; i < 500; i++) await u.counter.increment('warm');
  const t0 = performance.now();
  if (inflight === 1) { for (let i = 0; i < n; i++) await u.counter.increment('hits'); }
  else {
    let next = 0;
    const lane = async () => { while (next < n) { next++; await u.counter.increment('hits'); } };
    await Promise.all(Array.from({ length: inflight }, lane));
  }
  return { ms: performance.now() - t0 };
}
`,
  );
  const block = blockFromObject({ run: [{ script: 'incr.mjs' }] }, { file: path.join(dir, 'incr.yaml') });
  const scriptRate = async (inflight) => {
    const rt = await Runtime.create({ unidistBackend: { backend: 'redis', url, prefix: `bench${Math.random()}` } });
    try {
      const r = await rt.run(block, { inputData: { n: N_SCRIPT, inflight } });
      return N_SCRIPT / (r.result.run.ms / 1000);
    } finally {
      await rt.stop();
    }
  };
  const peerRate = (pipeline = 1) => {
    const r = spawnSync('redis-benchmark', ['-s', socket, '-n', String(N_SCRIPT * 3 * pipeline), '-c', '1', '-P', String(pipeline), '--csv', 'INCR', 'bench:peer'], { encoding: 'utf8' });
    const line = r.stdout.trim().split('\n').pop();
    return Number(JSON.parse(`[${line}]`)[1]);
  };
  const seq = [];
  const par = [];
  const peer = [];
  const peerPipelined = [];
  for (let i = 0; i < ROUNDS; i++) {
    peer.push(peerRate());
    peerPipelined.push(peerRate(64));
    seq.push(await scriptRate(1));
    par.push(await scriptRate(64));
  }
  const pm = median(peer);
  console.log(`counter increment from a script, one at a time: ours ${f(median(seq), 0)} /s | redis-benchmark -c 1 INCR ${f(pm, 0)} /s (same socket) | ratio ${f(median(seq) / pm, 2)} | target >= 0.7`);
  console.log(`counter increment from a script, 64 in flight on its one connection: ours ${f(median(par), 0)} /s | redis-benchmark -c 1 INCR ${f(pm, 0)} /s | ratio ${f(median(par) / pm, 2)} | target >= 0.7`);
  const pp = median(peerPipelined);
  console.log(`the same, against a pipelining peer: ours ${f(median(par), 0)} /s | redis-benchmark -c 1 -P 64 INCR ${f(pp, 0)} /s | ratio ${f(median(par) / pp, 2)} | report`);

  // --- 2. lock acquire + release vs SET NX PX + DEL ---
  const u = await createUnidist({ backend: 'redis', url, prefix: 'bench:lock' });
  const raw = createClient({ socket: { path: socket } });
  await raw.connect();
  const lockRound = async () => {
    for (let i = 0; i < 100; i++) await (await u.lock.acquire('l', { ttl: 30000 })).release();
    const t0 = performance.now();
    for (let i = 0; i < N_LOCK; i++) {
      const h = await u.lock.acquire('l', { ttl: 30000 });
      await h.release();
    }
    return ((performance.now() - t0) * 1000) / N_LOCK;
  };
  const rawRound = async () => {
    for (let i = 0; i < 100; i++) {
      await raw.sendCommand(['SET', 'bench:raw', 'x', 'NX', 'PX', '30000']);
      await raw.sendCommand(['DEL', 'bench:raw']);
    }
    const t0 = performance.now();
    for (let i = 0; i < N_LOCK; i++) {
      await raw.sendCommand(['SET', 'bench:raw', String(i), 'NX', 'PX', '30000']);
      await raw.sendCommand(['DEL', 'bench:raw']);
    }
    return ((performance.now() - t0) * 1000) / N_LOCK;
  };
  const ours = [];
  const bare = [];
  const ratios = [];
  for (let i = 0; i < LOCK_ROUNDS; i++) {
    bare.push(await rawRound());
    ours.push(await lockRound());
    ratios.push(ours.at(-1) / bare.at(-1));
  }
  console.log(`lock acquire + release: ours ${f(median(ours))} µs | SET NX PX + DEL ${f(median(bare))} µs | ratio ${f(median(ratios), 2)} (median of ${LOCK_ROUNDS} paired rounds) | target <= 2`);
  await u.close();

  // --- 3. two-process queue hand-off ---
  const child = (mode) => {
    const src =
      mode === 'ours'
        ? `const { createUnidist } = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)});
const u = await createUnidist({ backend: 'redis', url: ${JSON.stringify(url)}, prefix: 'bench:q' });
process.stdout.write('ready\\n');
for (;;) { const m = await u.queue.wait('ping'); if (m === 'end') break; await u.queue.add('pong', m); }
await u.close();`
        : `const { createClient } = await import('@redis/client');
const c = createClient({ socket: { path: ${JSON.stringify(socket)} } }); await c.connect();
const b = c.duplicate(); await b.connect();
process.stdout.write('ready\\n');
for (;;) { const [, m] = await b.sendCommand(['BLPOP', 'bench:raw:ping', '0']); if (m === 'end') break; await c.sendCommand(['RPUSH', 'bench:raw:pong', m]); }
await b.close(); await c.close();`;
    const p = spawn(process.execPath, ['--input-type=module', '-e', src], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    return new Promise((resolve) => p.stdout.once('data', () => resolve(p)));
  };
  const handoff = async (mode) => {
    const p = await child(mode);
    const times = [];
    if (mode === 'ours') {
      const q = await createUnidist({ backend: 'redis', url, prefix: 'bench:q' });
      for (let i = 0; i < N_QUEUE + 200; i++) {
        const t0 = performance.now();
        await q.queue.add('ping', i);
        await q.queue.wait('pong');
        if (i >= 200) times.push((performance.now() - t0) * 1000);
      }
      await q.queue.add('ping', 'end');
      await q.close();
    } else {
      const c = createClient({ socket: { path: socket } });
      await c.connect();
      const b = c.duplicate();
      await b.connect();
      for (let i = 0; i < N_QUEUE + 200; i++) {
        const t0 = performance.now();
        await c.sendCommand(['RPUSH', 'bench:raw:ping', String(i)]);
        await b.sendCommand(['BLPOP', 'bench:raw:pong', '0']);
        if (i >= 200) times.push((performance.now() - t0) * 1000);
      }
      await c.sendCommand(['RPUSH', 'bench:raw:ping', 'end']);
      await b.close();
      await c.close();
    }
    await new Promise((r) => p.once('exit', r));
    return times;
  };
  const oursQ = [];
  const rawQ = [];
  for (let i = 0; i < ROUNDS; i++) {
    rawQ.push(...(await handoff('raw')));
    oursQ.push(...(await handoff('ours')));
  }
  for (const p of [50, 99]) {
    const o = pct(oursQ, p);
    const r = pct(rawQ, p);
    console.log(`2-process queue hand-off round trip (add → wait in the other process → add back → wait) p${p}: ours ${f(o)} µs | raw RPUSH + BLPOP ping-pong ${f(r)} µs | ratio ${f(o / r, 2)} | report`);
  }
  raw.destroy();

  // --- 4. the changes feed: counter-add.lua with and without its PUBLISH ---
  const shipped = readFileSync(new URL('../dist/unidist/redis/lua/counter-add.lua', import.meta.url), 'utf8');
  const withoutFeed = shipped
    .split('\n')
    .filter((l) => !l.includes("redis.call('PUBLISH'"))
    .join('\n');
  const ev = createClient({ socket: { path: socket } });
  await ev.connect();
  const shaFeed = await ev.sendCommand(['SCRIPT', 'LOAD', shipped]);
  const shaBare = await ev.sendCommand(['SCRIPT', 'LOAD', withoutFeed]);
  const sub = ev.duplicate();
  await sub.connect();
  let heard = 0;
  await sub.subscribe('bench:feed:heard', () => heard++);
  /** Redis CPU µs per EVALSHA of `sha` over `n` calls (64 in flight), from INFO commandstats. */
  const serverUs = async (sha, channel, n = 5000) => {
    await ev.sendCommand(['CONFIG', 'RESETSTAT']);
    let next = 0;
    const lane = async () => {
      while (next < n) {
        next++;
        await ev.sendCommand(['EVALSHA', sha, '1', 'bench:feed:counters', 'n', '1', channel]);
      }
    };
    await Promise.all(Array.from({ length: 64 }, lane));
    const info = await ev.sendCommand(['INFO', 'commandstats']);
    return Number(/cmdstat_evalsha:calls=\d+,usec=\d+,usec_per_call=([\d.]+)/.exec(info)[1]);
  };
  const bareUs = [];
  const unheardUs = [];
  const heardUs = [];
  for (let i = 0; i < 9; i++) {
    bareUs.push(await serverUs(shaBare, 'bench:feed:nobody'));
    unheardUs.push(await serverUs(shaFeed, 'bench:feed:nobody'));
    heardUs.push(await serverUs(shaFeed, 'bench:feed:heard'));
  }
  const ratio = (xs) => median(xs.map((x, i) => x / bareUs[i]));
  console.log(`changes feed: Redis CPU per counter-add.lua call with its PUBLISH, nobody subscribed: ours ${f(median(unheardUs), 2)} µs | the script without the PUBLISH ${f(median(bareUs), 2)} µs | ratio ${f(ratio(unheardUs), 2)} (median of 9 paired rounds) | report`);
  console.log(`changes feed: the same, one subscriber listening: ours ${f(median(heardUs), 2)} µs | without the PUBLISH ${f(median(bareUs), 2)} µs | ratio ${f(ratio(heardUs), 2)} | report (${heard} messages heard)`);
  await sub.close();
  await ev.close();
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
