// Round-robin store vs rrdtool 1.7, measured in the same run.
// Usage: npm run build && node bench/rrd.bench.mjs [rounds]
// Each figure is the best of `rounds` rounds for each side (the machine is shared; the best
// round is the least disturbed one), after an untimed warm-up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultArchives, RrdFile } from '../dist/timeseries/rrd/index.js';
import { rrdtoolPipe } from './rrdtool-pipe.mjs';

const ROUNDS = Number(process.argv[2] ?? 7);
const SINGLE = 4000; // single-sample updates per round
const BATCH = 1000;
const BATCHES = 20; // batches per round
const FETCHES = 40; // fetches per round
const T0 = 1_700_000_000;
const dir = mkdtempSync(join(tmpdir(), 'pb-rrd-bench-'));

const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
function line(name, ours, peerName, peer, unit, target) {
  console.log(`${name}: ours ${fmt(ours)} ${unit} | ${peerName} ${fmt(peer)} ${unit} | ratio ${(ours / peer).toFixed(2)} | target ${target}`);
}


/** Best rate (units per second) over the rounds; `round(i)` does `units` units of work. */
async function best(units, round) {
  let bestRate = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    await round(i);
    bestRate = Math.max(bestRate, units / ((performance.now() - t) / 1000));
  }
  return bestRate;
}

const ds = [
  { name: 'a', type: 'GAUGE', heartbeat: 20 },
  { name: 'b', type: 'COUNTER', heartbeat: 20 },
];
const rrdCreate = (f, step, start) =>
  `create ${f} --start ${start} --step ${step} ${ds.map((d) => `DS:${d.name}:${d.type}:${d.heartbeat}:U:U`).join(' ')} ${defaultArchives()
    .map((r) => `RRA:${r.cf}:${r.xff}:${r.steps}:${r.rows}`)
    .join(' ')}`;
const sample = (k) => ({ time: T0 + k, values: { a: (k % 100) * 1.5, b: k * 1000 } });
const rrdSample = (k) => `${T0 + k}:${(k % 100) * 1.5}:${k * 1000}`;

const pipe = rrdtoolPipe(dir);
try {
  // Warm-up (not timed): let the JIT compile the update path, as any long-running collector has.
  {
    const w = await RrdFile.create(join(dir, 'warm.pbrrd'), { step: 1, start: T0, ds, rra: defaultArchives() });
    for (let k = 1; k <= 5000; k++) await w.update(sample(k));
    for (let b = 0; b < 20; b++) await w.update(Array.from({ length: BATCH }, (_, i) => sample(5001 + b * BATCH + i)));
    await w.close();
  }
  // 1. Single-sample updates, step 1: every update closes a PDP and writes a row.
  {
    const ours = await RrdFile.create(join(dir, 'single.pbrrd'), { step: 1, start: T0, ds, rra: defaultArchives() });
    const oursRate = await best(SINGLE, async (r) => {
      for (let k = 1; k <= SINGLE; k++) await ours.update(sample(r * SINGLE + k));
    });
    await ours.close();
    await pipe.run(rrdCreate('single.rrd', 1, T0));
    const refRate = await best(SINGLE, async (r) => {
      const all = [];
      for (let k = 1; k <= SINGLE; k++) all.push(pipe.run(`update single.rrd ${rrdSample(r * SINGLE + k)}`));
      await Promise.all(all);
    });
    line('rrd single-sample updates', oursRate, 'rrdtool - (pipe)', refRate, 'updates/s', '≥ 4');
  }
  // 2. Batches of 1000 samples per update call.
  {
    const n = ROUNDS * BATCHES;
    const batches = Array.from({ length: n }, (_, b) => Array.from({ length: BATCH }, (_, i) => sample(1 + b * BATCH + i)));
    const cmds = batches.map((b) => `update batch.rrd ${b.map((s) => rrdSample(s.time - T0)).join(' ')}`);
    const ours = await RrdFile.create(join(dir, 'batch.pbrrd'), { step: 1, start: T0, ds, rra: defaultArchives() });
    const oursRate = await best(BATCHES * BATCH, async (r) => {
      for (let b = r * BATCHES; b < (r + 1) * BATCHES; b++) await ours.update(batches[b]);
    });
    await ours.close();
    await pipe.run(rrdCreate('batch.rrd', 1, T0));
    const refRate = await best(BATCHES * BATCH, async (r) => {
      for (let b = r * BATCHES; b < (r + 1) * BATCHES; b++) await pipe.run(cmds[b]);
    });
    line('rrd 1000-sample batch update', oursRate, 'rrdtool update (batch, pipe)', refRate, 'samples/s', '≥ 1');
  }
  // 3. One-day fetch from a file holding a day at step 5 (AVERAGE 1-step archive, 17280 rows).
  {
    const p = join(dir, 'day.pbrrd');
    const ours = await RrdFile.create(p, { step: 5, start: T0, ds, rra: defaultArchives() });
    const day = Array.from({ length: 17280 }, (_, i) => ({ time: T0 + 5 * (i + 1), values: { a: i % 50, b: i * 100 } }));
    await ours.update(day);
    await ours.close();
    await pipe.run(rrdCreate('day.rrd', 5, T0));
    for (let i = 0; i < day.length; i += 1000) {
      await pipe.run(`update day.rrd ${day.slice(i, i + 1000).map((s) => `${s.time}:${s.values.a}:${s.values.b}`).join(' ')}`);
    }
    const end = T0 + 5 * 17280;
    // ours: open + fetch + close per call, like `rrdtool fetch` opening the file each time
    const oursRate = await best(FETCHES, async () => {
      for (let i = 0; i < FETCHES; i++) {
        const f = await RrdFile.open(p);
        const r = f.fetch({ cf: 'AVERAGE', start: end - 86400, end });
        if (r.rows !== 17281) throw new Error(`unexpected fetch size ${r.rows}`);
        await f.close();
      }
    });
    const refRate = await best(FETCHES, async () => {
      for (let i = 0; i < FETCHES; i++) await pipe.run(`fetch day.rrd AVERAGE -s ${end - 86400} -e ${end}`);
    });
    line('rrd one-day fetch (open+fetch+close)', oursRate, 'rrdtool fetch (pipe)', refRate, 'fetches/s', '≥ 1');
  }
} finally {
  await pipe.close();
  rmSync(dir, { recursive: true, force: true });
}
