#!/usr/bin/env node
// What alerts add to the scheduler's CPU (SPEC §9), ours with and without alerts in the same run.
//
//   npm run build && node bench/alerts.bench.mjs [--threads 1000] [--alerts 100] [--interval-ms 250]
//                                                [--duration 15] [--warmup 3] [--rounds 3] [--intervals 400] [--part a|b|all]
//
// Both sides run the runtime's own RunThreadManager with --threads RunThreads ticking every
// --interval-ms (a no-op tick function returning {v} with v in [0, 40), so the time is the
// scheduler's, not a script's), each in its own child process, the two side by side, --rounds times:
// - scheduler: the RunThreadManager alone (no alerts, no observers);
// - with alerts: the same, plus the tick observers (windows, alert evaluation, state machine) on
//   every thread and --alerts alerts spread over the threads, each
//   `pct(v < 50, last 20) < 80` with `for`, `clear` and a procedure (they never fire: every
//   tick evaluates, none transitions).
// CPU = process.cpuUsage() over --duration seconds after --warmup, as % of one core; the median
// of the rounds. Target: alerts add ≤ 10 %.
//
// (b) The same two RunThreadManagers in ONE process on injected manual clocks (the RunThreads'
// own scheduling code, timers kept by the clock), ticked one interval at a time in alternating
// batches, so both sides see the same machine load and the same heap (the shared machine's load
// moves faster than (a)'s rounds): CPU per tick of each side, --intervals intervals per side.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  strict: false,
  options: {
    threads: { type: 'string', default: '1000' },
    alerts: { type: 'string', default: '100' },
    'interval-ms': { type: 'string', default: '250' },
    duration: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    intervals: { type: 'string', default: '400' },
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
const INTERVALS = Number(opt.intervals);
const PART = String(opt.part);

const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Timers kept in memory and fired by `advance`: the RunThreads' own scheduling, without libuv. */
class ManualClock {
  constructor(t) {
    this.t = t;
    this.timers = [];
    this.seq = 0;
  }
  now() {
    return this.t;
  }
  setTimeout(fn, ms) {
    const timer = { at: this.t + Math.max(0, ms), fn, seq: this.seq++, live: true };
    this.timers.push(timer);
    const handle = { cancel: () => void (timer.live = false), unref: () => handle };
    return handle;
  }
  async advance(ms) {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.live && x.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq);
      if (due.length === 0) break;
      this.timers = this.timers.filter((x) => x.live && x.at > end);
      for (const x of due) {
        this.t = Math.max(this.t, x.at);
        x.fn();
      }
      await new Promise((r) => setImmediate(r));
    }
    this.t = end;
    await new Promise((r) => setImmediate(r));
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
    await startThreads(manager, withAlerts);
    return { clock, manager };
  };
  const sides = { base: await make(false), alerts: await make(true) };
  for (const side of ['base', 'alerts']) for (let i = 0; i < 50; i++) await sides[side].clock.advance(INTERVAL); // warm-up
  const cpu = { base: 0, alerts: 0 };
  for (let k = 0; k < INTERVALS; k++) {
    for (const side of k % 2 === 0 ? ['base', 'alerts'] : ['alerts', 'base']) {
      const c0 = process.cpuUsage();
      await sides[side].clock.advance(INTERVAL);
      const c = process.cpuUsage(c0);
      cpu[side] += c.user + c.system;
    }
  }
  for (const side of ['base', 'alerts']) await sides[side].manager.stopAll(0);
  return { base: cpu.base / (INTERVALS * THREADS), alerts: cpu.alerts / (INTERVALS * THREADS) };
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
  let observe;
  if (withAlerts) {
    const { TickObservers } = await import('../dist/runtime/tick-observers.js');
    const { LiveEventBus } = await import('../dist/runtime/live-events.js');
    const observers = new TickObservers({ clock: systemClock, logger: silentLogger, unidist, alertStateFile: undefined, events: new LiveEventBus(silentLogger) });
    observe = (spec, collect, status) => observers.attach(spec, collect, status);
  }
  const manager = new RunThreadManager({ clock: systemClock, logger: silentLogger, unidist, observe });
  const ticksSoFar = await startThreads(manager, withAlerts);
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

function run(kind, extra = []) {
  return new Promise((resolve, reject) => {
    const args = [fileURLToPath(import.meta.url), '--child', kind, ...['threads', 'alerts', 'interval-ms', 'duration', 'warmup', ...extra].flatMap((k) => [`--${k}`, String(opt[k])])];
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
  // Three processes one after another; the median of their ratios.
  const runs = [];
  for (let r = 0; r < 3; r++) runs.push(await run('in-process', ['intervals']));
  const ratios = runs.map((x) => x.alerts / x.base);
  const m = runs[ratios.indexOf(median(ratios))];
  console.log(`# (b) ${THREADS} RunThreads, ${ALERTS} alerts, manual clocks in one process, ${INTERVALS} intervals per side in alternating batches (median of 3 processes: ${ratios.map((x) => x.toFixed(2)).join(', ')})`);
  console.log(`CPU per tick with ${ALERTS} alerts over ${THREADS} RunThreads (b): ours ${fmt(m.alerts)} µs | scheduler alone ${fmt(m.base)} µs | ratio ${median(ratios).toFixed(2)} | target ≤ 1.10`);
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
