#!/usr/bin/env node
// Hot reload benchmarks (SPEC §8), through the real CLI, each beside a peer measured in the same run.
//
//   npm run build && node bench/reload.bench.mjs [--saves N] [--restarts N] [--debounce S]
//                                                [--idle-seconds S] [--part a|b|all]
//
// (a) Save → first tick running the new code. A block of 10 RunThreads (each its own script,
//     every 1 s) runs under `procblock --watch --watch-debounce D`. `--saves` times (default 50)
//     one thread's script is rewritten (round robin) with a new version that logs `Date.now()` as
//     its tick starts; latency = that time − the time just before the file was written. Reported
//     beyond the debounce D (default 0.05 s), p50 and p99 (target: p50 ≤ 300 ms).
//     Peer: what users do without hot reload — Ctrl-C and start procblock again — timed from the
//     moment the edit is saved (and SIGINT sent) to the first tick of the new code in the new
//     process, `--restarts` times (default 10).
// (b) Idle cost of watching. The same block shape over a 1,000-file tree: 20 folders, each with a
//     script importing 49 helper modules of its own (20 × 50 = 1,000 files, every one watched),
//     the scripts run once at start, and one RunThread every 5 s. Two processes run side by side
//     over the same window: `procblock --watch` and plain `procblock`. After a warm-up, CPU = the
//     CPU time of all their threads (/proc/<pid>/task/*/schedstat) over `--idle-seconds` (default
//     30) as % of one core; RSS = VmRSS at the end (target: watch ≤ 1.2× plain for both). Both
//     CPU figures are tiny (a tick every 5 s; watching costs nothing while no file changes), so
//     their ratio moves by ±25% between runs on a busy machine: read it with the absolute values.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  strict: false,
  options: {
    saves: { type: 'string', default: '50' },
    restarts: { type: 'string', default: '10' },
    debounce: { type: 'string', default: '0.05' },
    'idle-seconds': { type: 'string', default: '30' },
    part: { type: 'string', default: 'all' },
  },
});
const SAVES = Number(opt.saves);
const RESTARTS = Number(opt.restarts);
const DEBOUNCE_S = Number(opt.debounce);
const IDLE_S = Number(opt['idle-seconds']);
const cli = fileURLToPath(new URL('../bin/procblock.js', import.meta.url));

const pct = (xs, p) => {
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (x) => (!Number.isFinite(x) ? String(x) : Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));
function line(name, ours, peerName, peer, unit, target) {
  const ratio = Number.isFinite(ours) && Number.isFinite(peer) && peer !== 0 ? (ours / peer).toFixed(2) : 'n/a';
  console.log(`${name}: ours ${fmt(ours)} ${unit} | ${peerName} ${fmt(peer)} ${unit} | ratio ${ratio} | target ${target}`);
}

/** A procblock child whose stderr lines can be awaited. */
function start(args, cwd) {
  const child = spawn(process.execPath, [cli, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const waiters = [];
  child.stderr.setEncoding('utf8').on('data', (d) => {
    err += d;
    for (const w of [...waiters]) {
      const m = w.re.exec(err.slice(w.from));
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  const exited = new Promise((r) => child.on('close', r));
  return {
    child,
    exited,
    get length() {
      return err.length;
    },
    /** Resolve with the first match of `re` after stderr offset `from`. */
    waitFor(re, from = 0) {
      const m = re.exec(err.slice(from));
      if (m) return Promise.resolve(m);
      return new Promise((resolve, reject) => {
        waiters.push({ re, from, resolve });
        void exited.then(() => reject(new Error(`procblock exited before ${re}:\n${err.slice(-2000)}`)));
      });
    },
    async stop() {
      child.kill('SIGINT');
      await exited;
    },
  };
}

const script = (id, v) =>
  `export const processBlock = async (_p, _b, _r, _i, ctx) => { ctx.log.info('tick ${id} v${v} at ' + Date.now()); return { v: ${v} }; };\n`;

async function partA() {
  const dir = mkdtempSync(join(tmpdir(), 'pb-reload-bench-'));
  try {
    const ids = Array.from({ length: 10 }, (_, i) => `t${i}`);
    const yaml = ['__usage: {name: reload bench, longrunning: true}', 'run:'];
    for (const id of ids) {
      writeFileSync(join(dir, `${id}.mjs`), script(id, 0));
      yaml.push(`  - script: ${id}.mjs`, '    cache: 1', `    thread_id: ${id}`);
    }
    writeFileSync(join(dir, 'block.yaml'), `${yaml.join('\n')}\n`);
    const state = ['--state-dir', join(dir, 'state'), '--log-level', 'info'];

    // Ours: --watch.
    const p = start(['--watch', '--watch-debounce', String(DEBOUNCE_S), ...state, 'block.yaml'], dir);
    await p.waitFor(/Watching \d+ file/);
    const latencies = [];
    for (let i = 0; i < SAVES; i++) {
      const id = ids[i % ids.length];
      const v = i + 1;
      const from = p.length;
      const saved = Date.now();
      writeFileSync(join(dir, `${id}.mjs`), script(id, v));
      const m = await p.waitFor(new RegExp(`tick ${id} v${v} at (\\d+)`), from);
      latencies.push(Number(m[1]) - saved - DEBOUNCE_S * 1000);
      await p.waitFor(/"outcome":"applied"/, from);
    }
    await p.stop();

    // Peer: Ctrl-C and start again.
    const restarts = [];
    let q = start([...state, 'block.yaml'], dir);
    await q.waitFor(/Long-running block/);
    for (let i = 0; i < RESTARTS; i++) {
      const v = 1000 + i;
      const saved = Date.now();
      writeFileSync(join(dir, 't0.mjs'), script('t0', v));
      await q.stop();
      q = start([...state, 'block.yaml'], dir);
      const m = await q.waitFor(new RegExp(`tick t0 v${v} at (\\d+)`));
      restarts.push(Number(m[1]) - saved);
      await q.waitFor(/Long-running block/);
    }
    await q.stop();

    line(`save → first tick of the new code, p50 (beyond the ${DEBOUNCE_S * 1000} ms debounce; ${SAVES} saves, 10 RunThreads)`, pct(latencies, 50), 'Ctrl-C + restart', pct(restarts, 50), 'ms', 'p50 ≤ 300 ms');
    line(`save → first tick of the new code, p99`, pct(latencies, 99), 'Ctrl-C + restart', pct(restarts, 99), 'ms', '-');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU nanoseconds of every thread of `pid` so far. */
function cpuNs(pid) {
  let total = 0;
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended meanwhile
    }
  }
  return total;
}
const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

async function partB() {
  const dir = mkdtempSync(join(tmpdir(), 'pb-reload-idle-'));
  try {
    const yaml = ['__usage: {name: idle bench, longrunning: true}', 'run:'];
    let files = 0;
    for (let d = 0; d < 20; d++) {
      const sub = join(dir, 'lib', `d${String(d).padStart(2, '0')}`);
      mkdirSync(sub, { recursive: true });
      const imports = [];
      for (let h = 1; h <= 49; h++) {
        writeFileSync(join(sub, `h${h}.mjs`), `export const h${h} = ${h};\n`);
        imports.push(`import { h${h} } from './h${h}.mjs';`);
        files++;
      }
      writeFileSync(join(sub, 's.mjs'), `${imports.join('\n')}\nexport const processBlock = async () => ({ d${d}: h1 + h49 });\n`);
      files++;
      yaml.push(`  - script: lib/d${String(d).padStart(2, '0')}/s.mjs`);
    }
    writeFileSync(join(dir, 'idle.mjs'), 'export const processBlock = async () => ({ idle: 1 });\n');
    yaml.push('  - script: idle.mjs', '    cache: 5', '    thread_id: idle');
    writeFileSync(join(dir, 'block.yaml'), `${yaml.join('\n')}\n`);

    const watch = start(['--watch', '--state-dir', join(dir, 'state-w'), 'block.yaml'], dir);
    const plain = start(['--state-dir', join(dir, 'state-p'), 'block.yaml'], dir);
    const watching = await watch.waitFor(/Watching (\d+) file/);
    await plain.waitFor(/Long-running block/);
    await new Promise((r) => setTimeout(r, 3000)); // warm-up: start-up work settles
    const w0 = cpuNs(watch.child.pid);
    const p0 = cpuNs(plain.child.pid);
    const t0 = process.hrtime.bigint();
    await new Promise((r) => setTimeout(r, IDLE_S * 1000));
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const wCpu = ((cpuNs(watch.child.pid) - w0) / 1e9 / seconds) * 100;
    const pCpu = ((cpuNs(plain.child.pid) - p0) / 1e9 / seconds) * 100;
    const wRss = rssMb(watch.child.pid);
    const pRss = rssMb(plain.child.pid);
    await Promise.all([watch.stop(), plain.stop()]);
    line(`idle CPU over ${IDLE_S} s, --watch over a ${files}-file tree (${watching[1]} files watched)`, wCpu, 'same block without --watch', pCpu, '% of a core', '≤ 1.2×');
    line('idle RSS, --watch over the same tree', wRss, 'same block without --watch', pRss, 'MB', '≤ 1.2×');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (opt.part === 'a' || opt.part === 'all') await partA();
if (opt.part === 'b' || opt.part === 'all') await partB();
