#!/usr/bin/env node
// RunThread benchmarks (SPEC §3.2), ours and the peer measured in the same run.
//
//   npm run build && node bench/schedule.bench.mjs [--duration S] [--load-duration S] [--jobs N]
//                                                  [--part a|b|c|all] [--rss-cap MB] [--ticks N]
//
// (a) interval accuracy at 1 s for `--duration` seconds (default 20; the required long run is
//     `--duration 600`): one RunThread and one plain `setInterval`, side by side in this process.
//     Lateness = when the callback ran − its ideal time (start + k·1 s); drift = lateness of the last tick.
// (b) `--jobs` (default 1000) jobs at 1 s for `--load-duration` seconds each (default 30), each in
//     its own child process so CPU and RSS are its own, one after another:
//       - ours: RunThreadSet + the real script runner (`createScriptRunner`, piscina workers)
//         running a no-op `.mjs` block script; threads are started one after another, as the
//         engine starts `cache:` items in document order (each start waits for its first result);
//       - Bree: the same jobs (`interval: 1000`), a no-op worker file; Bree starts a new worker
//         thread for every run. A run that exceeds `--rss-cap` MB (default 3000) is stopped and
//         reported as such, so a worker storm cannot take the shared machine down;
//       - scheduler only: RunThreadSet with a no-op tick function vs 1000 plain setIntervals.
//     Lateness = when the job's code started (inside the worker for ours-script and Bree) − its
//     ideal time: for ours the slot `start + k·interval` the RunThread ran; for Bree the firing
//     of its interval timer that started the run, `first run + k·1000` (not modulo 1 s, so a run
//     that starts seconds late counts seconds). The first `--warmup` seconds (default 5) after
//     start-up are not measured.
//     CPU = process.cpuUsage() (all threads) as % of one core; RSS = the peak while measuring.
// (c) per-tick cost against the size of the block: a block whose `run` list holds 10 `cache:`
//     script items and one holding 1,000 are processed by the real engine in one process (one
//     real script runner, one RunThreadSet); then `--ticks` (default 4000) ticks per side are run
//     one at a time, round-robin over each block's threads, by calling each thread's own tick
//     function (the one its timer calls) — the same no-op `.mjs` script, the same number of
//     ticks, in alternating batches of 250 so both sides see the same machine load and heap.
//     Figure: CPU time per tick (process.cpuUsage(): main thread + worker), median of 3
//     processes. A tick of the 1,000-thread block should cost what one of the 10-thread block
//     costs: it sends only its own pipe data and a reference to the run list the worker keeps.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fmt, line, pct } from './report.mjs';

const { values: opt } = parseArgs({
  strict: false,
  options: {
    duration: { type: 'string', default: '20' },
    'load-duration': { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
    jobs: { type: 'string', default: '1000' },
    part: { type: 'string', default: 'all' },
    'rss-cap': { type: 'string', default: '3000' },
    ticks: { type: 'string', default: '4000' },
    child: { type: 'string' },
    dir: { type: 'string' },
  },
});
const DURATION_S = Number(opt.duration);
const LOAD_S = Number(opt['load-duration']);
const WARMUP_S = Number(opt.warmup);
const JOBS = Number(opt.jobs);
const RSS_CAP_MB = Number(opt['rss-cap']);
const TICKS = Number(opt.ticks);
const INTERVAL_MS = 1000;

const now = () => performance.timeOrigin + performance.now();
const sleepMs = (ms) => new Promise((r) => setTimeout(r, ms));

/** Measures one load run: lateness samples, CPU and peak RSS over the window after warm-up. */
class Window {
  constructor() {
    this.open = false;
    this.lateness = [];
    this.schedLateness = [];
    this.runs = 0;
    this.errors = 0;
    this.peakRss = 0;
  }
  start() {
    this.open = true;
    this.t0 = now();
    this.cpu0 = process.cpuUsage();
    this.rssTimer = setInterval(() => {
      this.peakRss = Math.max(this.peakRss, process.memoryUsage.rss());
    }, 250);
  }
  finish(extra = {}) {
    clearInterval(this.rssTimer);
    this.peakRss = Math.max(this.peakRss, process.memoryUsage.rss());
    const wallMs = now() - this.t0;
    const cpu = process.cpuUsage(this.cpu0);
    return {
      wallS: wallMs / 1000,
      runsPerS: this.runs / (wallMs / 1000),
      errors: this.errors,
      latP50: pct(this.lateness, 50),
      latP99: pct(this.lateness, 99),
      latMax: pct(this.lateness, 100),
      latMin: pct(this.lateness, 0),
      schedP99: pct(this.schedLateness, 99),
      cpuPct: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
      rssMb: this.peakRss / 2 ** 20,
      ...extra,
    };
  }
}

// ------------------------------------------------------------------------------------------------
// Children: one load run each, result as one JSON line on stdout.

async function childOursScript(dir) {
  const { createScriptRunner } = await import('../dist/exec/index.js');
  const { createMemoryUnidist } = await import('../dist/unidist/index.js');
  const { RunThreadSet } = await import('../dist/schedule/index.js');
  const { systemClock } = await import('../dist/core/clock.js');
  const { silentLogger } = await import('../dist/core/logger.js');
  const script = join(dir, 'noop.mjs');
  const unidist = await createMemoryUnidist({});
  const runner = createScriptRunner({ unidist, logger: silentLogger, cacheDir: false });
  const w = new Window();
  const calledAt = new Map();
  const set = new RunThreadSet({
    clock: systemClock,
    logger: silentLogger,
    hooks: (spec) => ({
      onTick: (o, slot) => {
        if (!w.open) return;
        w.runs++;
        w.lateness.push(o.returned.t - slot);
        w.schedLateness.push(calledAt.get(spec.id) - slot);
      },
      onError: () => {
        if (w.open) w.errors++;
      },
    }),
  });
  for (let i = 0; i < JOBS; i++) {
    const id = `t${i}`;
    await set.start({
      id,
      intervalMs: INTERVAL_MS,
      script: 'noop.mjs',
      item: {},
      baseDir: dir,
      tick: (signal) => {
        calledAt.set(id, now());
        return runner.run({ script, pipeData: {}, block: [], requestState: {}, inputData: {}, tag: 'run', cwd: dir, env: {}, blockParent: {}, signal });
      },
    });
  }
  await sleepMs(WARMUP_S * 1000);
  w.start();
  await sleepMs(LOAD_S * 1000);
  const r = w.finish({ started: set.statuses().length, skipped: set.statuses().reduce((a, s) => a + s.skipped, 0) });
  await set.stopAll(2000);
  await runner.close(2000);
  return r;
}

async function childOursFn() {
  const { RunThreadSet } = await import('../dist/schedule/index.js');
  const { systemClock } = await import('../dist/core/clock.js');
  const { silentLogger } = await import('../dist/core/logger.js');
  const outcome = { returned: {}, returnedNonObject: false, pipeDataSet: {}, pipeDataDeleted: [], durationMs: 0 };
  const w = new Window();
  const calledAt = new Map();
  const set = new RunThreadSet({
    clock: systemClock,
    logger: silentLogger,
    hooks: (spec) => ({
      onTick: (_o, slot) => {
        if (!w.open) return;
        w.runs++;
        w.lateness.push(calledAt.get(spec.id) - slot);
      },
    }),
  });
  for (let i = 0; i < JOBS; i++) {
    const id = `t${i}`;
    await set.start({
      id,
      intervalMs: INTERVAL_MS,
      script: 'noop',
      item: {},
      baseDir: '.',
      tick: () => {
        calledAt.set(id, now());
        return Promise.resolve(outcome);
      },
    });
  }
  await sleepMs(WARMUP_S * 1000);
  w.start();
  await sleepMs(LOAD_S * 1000);
  const r = w.finish();
  await set.stopAll(1000);
  return r;
}

async function childSetInterval() {
  const w = new Window();
  const timers = [];
  for (let i = 0; i < JOBS; i++) {
    const t0 = now();
    let k = 0;
    timers.push(
      setInterval(() => {
        k++;
        if (!w.open) return;
        w.runs++;
        w.lateness.push(now() - (t0 + k * INTERVAL_MS));
      }, INTERVAL_MS),
    );
  }
  await sleepMs(WARMUP_S * 1000);
  w.start();
  await sleepMs(LOAD_S * 1000);
  const r = w.finish();
  for (const t of timers) clearInterval(t);
  return r;
}

async function childBree(dir) {
  const { default: Bree } = await import('bree');
  // `all` measures from bree.start() (reported when the RSS cap cuts the run short, since Bree's
  // worker storm happens right at start-up); `steady` is the window after warm-up, as for ours.
  const all = new Window();
  let steady = new Window();
  const quiet = { info() {}, warn() {}, error() {}, log() {} };
  // Ideal times, as for ours: with `timeout: 0` + `interval: 1000` Bree runs a job once at start
  // and then from a setInterval created at that moment, so firing k of job j is due at
  // first_j + k·1000. Every firing calls bree.run(name) (also those Bree skips because the job's
  // previous worker is still alive); a firing that starts a worker fixes that run's ideal time.
  const firings = new Map();
  const idealOfRun = new Map();
  let stoppedForRss = false;
  const bree = new Bree({
    root: false,
    logger: quiet,
    jobs: Array.from({ length: JOBS }, (_, i) => ({ name: `j${i}`, path: join(dir, 'bree-job.mjs'), interval: INTERVAL_MS, timeout: 0 })),
    workerMessageHandler: ({ name, message }) => {
      if (typeof message !== 'object' || message === null) return;
      const late = message.t - idealOfRun.get(name);
      for (const w of [all, steady]) {
        if (!w.open) continue;
        w.runs++;
        w.lateness.push(late);
      }
    },
    errorHandler: () => {
      for (const w of [all, steady]) if (w.open) w.errors++;
    },
  });
  const run = bree.run.bind(bree);
  bree.run = (name) => {
    const t = now();
    const f = firings.get(name) ?? { first: t, k: 0 };
    if (!firings.has(name)) firings.set(name, f);
    else f.k++;
    if (!bree.workers.has(name)) idealOfRun.set(name, f.first + f.k * INTERVAL_MS);
    return run(name);
  };
  let peakWorkers = 0;
  const guard = setInterval(() => {
    peakWorkers = Math.max(peakWorkers, bree.workers.size);
    if (process.memoryUsage.rss() / 2 ** 20 > RSS_CAP_MB) stoppedForRss = true;
  }, 100);
  all.start();
  await bree.start();
  while (!stoppedForRss && now() - all.t0 < WARMUP_S * 1000) await sleepMs(100);
  if (!stoppedForRss) steady.start();
  while (!stoppedForRss && now() - steady.t0 < LOAD_S * 1000) await sleepMs(100);
  clearInterval(guard);
  const skippedFirings = [...firings.values()].reduce((a, f) => a + f.k + 1, 0) - all.runs;
  const extra = { stoppedForRss, peakWorkers, startedJobs: firings.size, firings: skippedFirings + all.runs, runsStarted: all.runs };
  // Bree's stop() waits for every worker without a deadline; the parent only needs the numbers.
  return stoppedForRss ? all.finish({ ...extra, window: 'from start until the RSS cap' }) : steady.finish({ ...extra, window: 'steady' });
}

async function childTickCost(dir) {
  const { processMapping } = await import('../dist/engine/index.js');
  const { createScriptRunner, createShellRunner } = await import('../dist/exec/index.js');
  const { createMemoryUnidist } = await import('../dist/unidist/index.js');
  const { RunThreadSet } = await import('../dist/schedule/index.js');
  const { systemClock } = await import('../dist/core/clock.js');
  const { silentLogger } = await import('../dist/core/logger.js');
  const unidist = await createMemoryUnidist({});
  const scripts = createScriptRunner({ unidist, logger: silentLogger, cacheDir: false, maxThreads: 1 });
  const shell = createShellRunner();
  const specs = { small: [], large: [] };
  let filling = 'small';
  // An interval of an hour: no timer fires while measuring; the ticks are driven below.
  const set = new RunThreadSet({ clock: systemClock, logger: silentLogger, unrefTimers: true, hooks: (spec) => void specs[filling].push(spec) });
  const services = { scripts, shell, unidist, logger: silentLogger, clock: systemClock, runThreads: set, env: {} };
  for (const [side, n] of [['small', 10], ['large', 1000]]) {
    filling = side;
    const run = Array.from({ length: n }, (_, i) => ({ script: 'noop.mjs', cache: 3600, thread_id: `${side}${i}` }));
    await processMapping({ 'set host': 'db1.example.com', run }, { services, file: join(dir, `${side}.yaml`) });
  }
  const signal = new AbortController().signal;
  const batch = async (list, count, offset) => {
    for (let i = 0; i < count; i++) await list[((offset + i) * 7919) % list.length].tick(signal, Date.now());
  };
  for (const side of ['small', 'large']) await batch(specs[side], 2000, 0); // warm-up
  // Alternating batches in one process: both sides see the same machine load and the same heap.
  const cpu = { small: 0, large: 0 };
  const BATCH = 250;
  for (let done = 0; done < TICKS; done += BATCH) {
    for (const side of done % (2 * BATCH) === 0 ? ['small', 'large'] : ['large', 'small']) {
      const c0 = process.cpuUsage();
      await batch(specs[side], BATCH, done);
      const c = process.cpuUsage(c0);
      cpu[side] += c.user + c.system;
    }
  }
  await set.stopAll(1000);
  await scripts.close(1000);
  await shell.close();
  return { ticks: TICKS, smallCpuUsPerTick: cpu.small / TICKS, largeCpuUsPerTick: cpu.large / TICKS };
}

async function runChild(kind, dir) {
  const fns = { 'ours-script': childOursScript, 'ours-fn': childOursFn, setinterval: childSetInterval, bree: childBree, 'tick-cost': childTickCost };
  const r = await fns[kind](dir);
  process.stdout.write(`${JSON.stringify(r)}\n`);
  process.exit(0);
}

function spawnChild(kind, dir, extra = []) {
  return new Promise((resolve) => {
    const self = fileURLToPath(import.meta.url);
    const args = [self, '--child', kind, '--dir', dir, '--jobs', String(JOBS), '--load-duration', String(LOAD_S), '--warmup', String(WARMUP_S), '--rss-cap', String(RSS_CAP_MB), '--ticks', String(TICKS), ...extra];
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    // Start-up of 1000 threads + warm-up + window + a generous margin.
    const killer = setTimeout(() => p.kill('SIGKILL'), (WARMUP_S + LOAD_S + 120) * 1000);
    p.on('exit', (code, signal) => {
      clearTimeout(killer);
      const last = out.trim().split('\n').pop();
      try {
        resolve(JSON.parse(last));
      } catch {
        resolve({ failed: `${kind} exited with ${code ?? signal}`, latP99: NaN, cpuPct: NaN, rssMb: NaN, runsPerS: NaN });
      }
    });
  });
}

// ------------------------------------------------------------------------------------------------
// (a) accuracy: one RunThread and one setInterval at 1 s in this process.

async function partA() {
  const { RunThread } = await import('../dist/schedule/index.js');
  const { systemClock } = await import('../dist/core/clock.js');
  const { silentLogger } = await import('../dist/core/logger.js');
  const outcome = { returned: {}, returnedNonObject: false, pipeDataSet: {}, pipeDataDeleted: [], durationMs: 0 };
  const ours = [];
  const peer = [];
  let called = 0;
  const thread = new RunThread({
    spec: { id: 'accuracy', intervalMs: INTERVAL_MS, script: 'noop', item: {}, baseDir: '.', tick: () => ((called = now()), Promise.resolve(outcome)) },
    clock: systemClock,
    logger: silentLogger,
    onTick: (_o, slot) => void ours.push(called - slot),
  });
  const t0 = now();
  let k = 0;
  const iv = setInterval(() => {
    k++;
    peer.push(now() - (t0 + k * INTERVAL_MS));
  }, INTERVAL_MS);
  await thread.start();
  await sleepMs(DURATION_S * 1000 + 500);
  clearInterval(iv);
  await thread.stop();
  ours.shift(); // the first tick runs at start: lateness 0 by construction
  const n = Math.min(ours.length, peer.length);
  console.log(`# (a) interval accuracy at 1 s over ${DURATION_S} s: ${n} ticks each, in one process`);
  line(`interval lateness p50 (1 s, ${DURATION_S} s)`, pct(ours, 50), 'setInterval', pct(peer, 50), 'ms', '≤ 20 ms');
  line(`interval lateness p99 (1 s, ${DURATION_S} s)`, pct(ours, 99), 'setInterval', pct(peer, 99), 'ms', '≤ 20 ms');
  line(`interval drift of the last tick (1 s, ${DURATION_S} s)`, ours[n - 1] ?? NaN, 'setInterval', peer[n - 1] ?? NaN, 'ms', 'no growth with duration (≤ 20 ms)');
}

// ------------------------------------------------------------------------------------------------
// (b) load: 1000 jobs at 1 s.

async function partB() {
  const dir = mkdtempSync(join(tmpdir(), 'pb-schedule-bench-'));
  writeFileSync(join(dir, 'noop.mjs'), 'export async function processBlock() {\n  return { t: performance.timeOrigin + performance.now() };\n}\n');
  writeFileSync(
    join(dir, 'bree-job.mjs'),
    "import { parentPort } from 'node:worker_threads';\nparentPort.postMessage({ t: performance.timeOrigin + performance.now() });\nparentPort.postMessage('done');\n",
  );
  try {
    const oursScript = await spawnChild('ours-script', dir);
    const bree = await spawnChild('bree', dir);
    const oursFn = await spawnChild('ours-fn', dir);
    const plain = await spawnChild('setinterval', dir);
    const breeNote =
      bree.failed ??
      (bree.stoppedForRss
        ? `Bree hit the ${RSS_CAP_MB} MB RSS cap after ${fmt(bree.wallS)} s (${bree.peakWorkers} workers alive at once) and was stopped; its figures cover start-up until then`
        : `Bree measured like ours (peak ${bree.peakWorkers} workers alive at once)`);
    console.log(`# (b) ${JOBS} jobs at 1 s, ${LOAD_S} s measured after ${WARMUP_S} s warm-up; ours = RunThreadSet + createScriptRunner running a no-op .mjs script; ${breeNote}`);
    if (oursScript.failed) console.log(`# ours-script: ${oursScript.failed}`);
    line(`${JOBS} RunThreads tick lateness p99 (script start in worker)`, oursScript.latP99, 'Bree', bree.latP99, 'ms', '≤ 20 ms');
    line(`${JOBS} RunThreads tick lateness p50 (script start in worker)`, oursScript.latP50, 'Bree', bree.latP50, 'ms', '—');
    line(`${JOBS} RunThreads CPU`, oursScript.cpuPct, 'Bree', bree.cpuPct, '% of one core', '≤ 25%');
    line(`${JOBS} RunThreads peak RSS`, oursScript.rssMb, 'Bree', bree.rssMb, 'MB', '≤ 250 MB');
    line(`${JOBS} RunThreads runs per second`, oursScript.runsPerS, 'Bree', bree.runsPerS, 'runs/s', `${JOBS} runs/s`);
    console.log(`# scheduler only: ${JOBS} RunThreads with a no-op tick function vs ${JOBS} plain setIntervals`);
    line(`${JOBS} RunThreads (no-op fn) tick lateness p99`, oursFn.latP99, 'setInterval', plain.latP99, 'ms', '≤ 20 ms');
    line(`${JOBS} RunThreads (no-op fn) CPU`, oursFn.cpuPct, 'setInterval', plain.cpuPct, '% of one core', '≤ 25%');
    line(`${JOBS} RunThreads (no-op fn) peak RSS`, oursFn.rssMb, 'setInterval', plain.rssMb, 'MB', '≤ 250 MB');
    console.log(`# details: ${JSON.stringify({ oursScript, bree, oursFn, plain })}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------------------------------
// (c) per-tick cost: 10 vs 1,000 RunThreads in one block.

async function partC() {
  const dir = mkdtempSync(join(tmpdir(), 'pb-schedule-bench-'));
  writeFileSync(join(dir, 'noop.mjs'), 'export async function processBlock() {\n  return { t: performance.timeOrigin + performance.now() };\n}\n');
  try {
    const runs = [];
    for (let round = 0; round < 3; round++) runs.push(await spawnChild('tick-cost', dir));
    const median = (k) => pct(runs.map((r) => r[k]), 50);
    console.log(`# (c) per-tick cost: ${TICKS} ticks per side of a no-op .mjs script, one at a time, in a block of 1,000 vs one of 10 cache: items, alternating batches of 250 in one process (median of 3 processes)`);
    line('per-tick CPU, 1,000-thread block vs 10-thread block', median('largeCpuUsPerTick'), '10 threads', median('smallCpuUsPerTick'), 'µs', '≤ 1.2×');
    console.log(`# details: ${JSON.stringify(runs)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (opt.child) await runChild(opt.child, opt.dir);
else {
  if (opt.part === 'a' || opt.part === 'all') await partA();
  if (opt.part === 'b' || opt.part === 'all') await partB();
  if (opt.part === 'c' || opt.part === 'all') await partC();
}
