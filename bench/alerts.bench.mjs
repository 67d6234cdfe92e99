#!/usr/bin/env node
// What alerts add to the scheduler's CPU (SPEC §9, issue 11 point 5: ≤ 10 %).
//
//   npm run build && node bench/alerts.bench.mjs [--threads 1000] [--alerts 100] [--interval-ms 250]
//       [--processes 3] [--rounds-b 40] [--batch 50]                       (b)
//       [--duration 10] [--warmup 12] [--rounds 3]                         (a)
//       [--part a|b|all]
//
// Every side runs the runtime's own RunThreadManager with --threads RunThreads ticking every
// --interval-ms. The tick function is the same on every side: a no-op returning {v} with v in
// [0, 40) (no worker call, so the time is the scheduler's, not a script's: the strictest
// denominator there is). The sides differ only in what runs after a tick:
// - scheduler alone: the RunThreadManager, no tick observers;
// - scheduler again (b only): an identical second copy, the control: its ratio to the first copy
//   is what the measurement itself makes of two equal workloads (bias and noise);
// - with alerts: the same RunThreadManager with the runtime's tick observers (windows, alert
//   evaluation, state machine) attached to every thread, and --alerts alerts spread over the
//   threads, each `pct(v < 50, last 20) < 80` with `for`, `clear` and a procedure (they never
//   fire: every tick of an alerting thread pushes its window and evaluates, none transitions).
//
// (b), the figure: the three managers in ONE process (started with --expose-gc) on injected
// manual clocks (the RunThreads' own scheduling code; the clock keeps their timers in buckets by
// due time, O(1) per timer like libuv's per-duration lists, so the bench's own timer keeping
// weighs no more than Node's would). --rounds-b rounds per process; each round runs --batch
// intervals (--batch × --threads ticks) of each side, in an order that rotates between rounds; a
// minor GC after each batch is charged to that batch (it starts the next one with an empty young
// generation, so no side pays for another's garbage; a batch is long enough, 50,000 ticks by
// default, that this fixed cost and the machine's moment-to-moment load average out). CPU time
// (process.cpuUsage), not wall time.
// The ratio is the median of the per-round ratios over --processes processes (a process's JIT
// decisions differ from the next one's), shown with its spread (10th–90th percentile of the
// rounds), each process's median, and the control's ratio measured the same way.
//
// (a) real timers (libuv): the scheduler alone and the scheduler with alerts each in its own child
// process, the two side by side (the same machine load), --rounds times; every thread's slots on
// one grid on both sides (the clock holds still while the threads start, see child()); CPU = process.cpuUsage()
// over --duration seconds after --warmup, as % of one core, the median of the rounds. The warm-up
// is long because each alert evaluates only 4 times a second: after 3 s the alert code had not
// been optimized yet on a loaded machine (ratio ~2 then, ~1.1 after 12 s). Noisier
// than (b) on a loaded machine: the two processes compete for the cores.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fmt, median } from './report.mjs';

const { values: opt } = parseArgs({
  strict: false,
  options: {
    threads: { type: 'string', default: '1000' },
    alerts: { type: 'string', default: '100' },
    'interval-ms': { type: 'string', default: '250' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '12' },
    rounds: { type: 'string', default: '3' },
    processes: { type: 'string', default: '3' },
    'rounds-b': { type: 'string', default: '40' },
    batch: { type: 'string', default: '50' },
    part: { type: 'string', default: 'all' },
    child: { type: 'string' },
  },
});
const THREADS = Number(opt.threads);
const ALERTS = Number(opt.alerts);
const INTERVAL = Number(opt['interval-ms']);
const DURATION = Number(opt.duration);
const WARMUP = Number(opt.warmup);
const ROUNDS = Number(opt.rounds);
const PROCESSES = Number(opt.processes);
const ROUNDS_B = Number(opt['rounds-b']);
const BATCH = Number(opt.batch);
const PART = String(opt.part);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
};

/**
 * Timers kept in memory and fired by `advance`: the RunThreads' own scheduling, without libuv.
 * Timers wait in buckets by due time (a RunThread arms one timer per slot; all threads started
 * on this clock share their slots' times), fired bucket by bucket in time order, each bucket in
 * the order its timers were set.
 */
class ManualClock {
  constructor(t) {
    this.t = t;
    this.buckets = new Map();
    this.dueTimes = [];
  }
  now() {
    return this.t;
  }
  setTimeout(fn, ms) {
    const at = this.t + Math.max(0, ms);
    let bucket = this.buckets.get(at);
    if (bucket === undefined) {
      bucket = [];
      this.buckets.set(at, bucket);
      let i = this.dueTimes.length;
      while (i > 0 && this.dueTimes[i - 1] > at) i--;
      this.dueTimes.splice(i, 0, at);
    }
    const timer = { fn, live: true };
    bucket.push(timer);
    const handle = { cancel: () => void (timer.live = false), unref: () => handle };
    return handle;
  }
  async advance(ms) {
    const end = this.t + ms;
    while (this.dueTimes.length > 0 && this.dueTimes[0] <= end) {
      const at = this.dueTimes.shift();
      const bucket = this.buckets.get(at);
      this.buckets.delete(at);
      this.t = Math.max(this.t, at);
      for (const x of bucket) if (x.live) x.fn();
      // The ticks' promise chains settle (no I/O in them) before the next bucket.
      await new Promise((r) => setImmediate(r));
    }
    this.t = end;
  }
}

async function inProcess() {
  const { RunThreadManager } = await import('../dist/runtime/run-thread-manager.js');
  const { TickObservers } = await import('../dist/runtime/tick-observers.js');
  const { LiveEventBus } = await import('../dist/runtime/live-events.js');
  const { createMemoryUnidist } = await import('../dist/unidist/index.js');
  const { silentLogger } = await import('../dist/core/logger.js');
  const unidist = await createMemoryUnidist({});
  const make = async (withAlerts) => {
    const clock = new ManualClock(1_767_225_600_000);
    let observe;
    if (withAlerts) {
      const observers = new TickObservers({ clock, logger: silentLogger, unidist, alertStateFile: undefined, events: new LiveEventBus(silentLogger) });
      observe = (spec, collect, status) => observers.attach(spec, collect, status);
    }
    const manager = new RunThreadManager({ clock, logger: silentLogger, unidist, observe });
    const ticks = await startThreads(manager, withAlerts);
    return { clock, manager, ticks };
  };
  const SIDES = ['base', 'control', 'alerts'];
  const sides = { base: await make(false), control: await make(false), alerts: await make(true) };
  const batch = async (side) => {
    for (let k = 0; k < BATCH; k++) await sides[side].clock.advance(INTERVAL);
    // This batch's garbage is collected now, on its account.
    globalThis.gc({ type: 'minor', execution: 'sync' });
  };
  for (let i = 0; i < 5; i++) for (const side of SIDES) await batch(side); // warm-up
  const rounds = [];
  for (let r = 0; r < ROUNDS_B; r++) {
    const round = {};
    for (let k = 0; k < SIDES.length; k++) {
      const side = SIDES[(r + k) % SIDES.length];
      const ticks0 = sides[side].ticks();
      const c0 = process.cpuUsage();
      await batch(side);
      const c = process.cpuUsage(c0);
      const ticks = sides[side].ticks() - ticks0;
      // Every thread ticks once per interval: a batch that did not is not measuring what it says.
      if (ticks !== BATCH * THREADS) throw new Error(`${side}: ${ticks} ticks in a batch of ${BATCH} intervals × ${THREADS} threads`);
      round[side] = (c.user + c.system) / ticks;
    }
    rounds.push(round);
  }
  for (const side of SIDES) await sides[side].manager.stopAll(0);
  return rounds;
}

async function startThreads(manager, withAlerts) {
  const every = Math.max(1, Math.floor(THREADS / Math.max(1, ALERTS)));
  let ticks = 0;
  for (let i = 0; i < THREADS; i++) {
    const alert =
      withAlerts && i % every === 0 && i / every < ALERTS
        ? { alert: { slow: { when: 'pct(v < 50, last 20) < 80', for: '30s', clear: 'pct(v < 50, last 20) >= 90', run: [{ shell: 'true' }] } } }
        : {};
    await manager.start({
      id: `t${i}`,
      intervalMs: INTERVAL,
      script: 'noop',
      item: { script: 'noop', cache: INTERVAL / 1000, ...alert },
      baseDir: '.',
      runList: async () => undefined,
      tick: () => {
        ticks++;
        return Promise.resolve({ returned: { v: (ticks * 7919) % 40 }, returnedNonObject: false, pipeDataSet: {}, pipeDataDeleted: [], durationMs: 0 });
      },
    });
  }
  return () => ticks;
}

async function child(withAlerts) {
  const { RunThreadManager } = await import('../dist/runtime/run-thread-manager.js');
  const { systemClock } = await import('../dist/core/clock.js');
  const { silentLogger } = await import('../dist/core/logger.js');
  const { createMemoryUnidist } = await import('../dist/unidist/index.js');
  const unidist = await createMemoryUnidist({});
  // Real timers, but every thread's slots on one grid: the clock reads the same instant while
  // the threads start, so each side's 1,000 timers come due together at every slot, whatever
  // its start-up cost (with the observers attached, starting 1,000 threads takes several times
  // longer; slots spread over that time would fire as separate timer callbacks, which costs the
  // scheduler more CPU per tick: different scheduler work, not alert evaluation).
  const startedAt = systemClock.now();
  let starting = true;
  const clock = { now: () => (starting ? startedAt : systemClock.now()), setTimeout: (fn, ms) => systemClock.setTimeout(fn, ms) };
  let observe;
  if (withAlerts) {
    const { TickObservers } = await import('../dist/runtime/tick-observers.js');
    const { LiveEventBus } = await import('../dist/runtime/live-events.js');
    const observers = new TickObservers({ clock, logger: silentLogger, unidist, alertStateFile: undefined, events: new LiveEventBus(silentLogger) });
    observe = (spec, collect, status) => observers.attach(spec, collect, status);
  }
  const manager = new RunThreadManager({ clock, logger: silentLogger, unidist, observe });
  const ticksSoFar = await startThreads(manager, withAlerts);
  starting = false;
  await sleep(WARMUP * 1000);
  const t0 = performance.now();
  const ticks0 = ticksSoFar();
  const cpu0 = process.cpuUsage();
  await sleep(DURATION * 1000);
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  const ticks = ticksSoFar() - ticks0;
  const result = { cpuPct: ((cpu.user + cpu.system) / 1000 / wall) * 100, ticksPerS: (ticks * 1000) / wall, cpuUsPerTick: (cpu.user + cpu.system) / ticks };
  await manager.stopAll(1000);
  return result;
}

function run(kind, extra = [], nodeFlags = []) {
  return new Promise((resolve, reject) => {
    const args = [...nodeFlags, fileURLToPath(import.meta.url), '--child', kind, ...['threads', 'alerts', 'interval-ms', 'duration', 'warmup', ...extra].flatMap((k) => [`--${k}`, String(opt[k])])];
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`child ${kind} exited ${code}`))));
  });
}

if (opt.child) {
  const r = opt.child === 'in-process' ? await inProcess() : await child(opt.child === 'alerts');
  process.stdout.write(`${JSON.stringify(r)}\n`);
  process.exit(0);
}
if (PART === 'all' || PART === 'b') {
  const perProcess = [];
  for (let p = 0; p < PROCESSES; p++) perProcess.push(await run('in-process', ['rounds-b', 'batch'], ['--expose-gc', '--single-threaded-gc']));
  const rounds = perProcess.flat();
  const spread = (xs) => `${median(xs).toFixed(2)} (p10–p90 ${quantile(xs, 0.1).toFixed(2)}–${quantile(xs, 0.9).toFixed(2)})`;
  const ratios = rounds.map((r) => r.alerts / r.base);
  const control = rounds.map((r) => r.control / r.base);
  const procMedians = perProcess.map((rs) => median(rs.map((r) => r.alerts / r.base)).toFixed(2));
  console.log(
    `# (b) ${THREADS} RunThreads, ${ALERTS} alerts, one process, manual clocks: ${ROUNDS_B} rounds × ${PROCESSES} processes, ` +
      `${BATCH} intervals (${BATCH * THREADS} ticks) per side per round, rotating order, CPU time, a minor GC after each batch charged to it`,
  );
  console.log(
    `CPU per tick with ${ALERTS} alerts over ${THREADS} RunThreads (b): ours ${fmt(median(rounds.map((r) => r.alerts)))} µs | ` +
      `scheduler alone ${fmt(median(rounds.map((r) => r.base)))} µs | ratio ${spread(ratios)}; per process ${procMedians.join(', ')} | target ≤ 1.10`,
  );
  console.log(
    `control (b): the scheduler again ${fmt(median(rounds.map((r) => r.control)))} µs | scheduler alone | ratio ${spread(control)} ` +
      `(what the measurement makes of two equal workloads)`,
  );
}
if (PART !== 'all' && PART !== 'a') process.exit(0);

// Both sides at the same time, each in its own process: the machine is shared and its load
// moves within seconds; running side by side gives both the same conditions.
const base = [];
const withAlerts = [];
for (let r = 0; r < ROUNDS; r++) {
  const [b, a] = await Promise.all([run('base'), run('alerts')]);
  base.push(b);
  withAlerts.push(a);
}
const cpuBase = median(base.map((x) => x.cpuPct));
const cpuAlerts = median(withAlerts.map((x) => x.cpuPct));
console.log(`# ${THREADS} RunThreads every ${INTERVAL} ms (${fmt(median(base.map((x) => x.ticksPerS)))} ticks/s), ${ALERTS} alerts; ${ROUNDS} round(s) of ${DURATION} s per side`);
console.log(`scheduler CPU with ${ALERTS} alerts over ${THREADS} RunThreads (a): ours ${fmt(cpuAlerts)} % | scheduler alone ${fmt(cpuBase)} % | ratio ${(cpuAlerts / cpuBase).toFixed(2)} | target ≤ 1.10`);
console.log(`CPU per tick: with alerts ${fmt(median(withAlerts.map((x) => x.cpuUsPerTick)))} µs | scheduler alone ${fmt(median(base.map((x) => x.cpuUsPerTick)))} µs`);
console.log(`# details: ${JSON.stringify({ base, withAlerts })}`);
