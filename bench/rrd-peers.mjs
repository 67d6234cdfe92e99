// Helpers of bench/rrd.bench.mjs: the librrd peer (a Python child) and the many-files collect run.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RrdFile } from '../dist/timeseries/rrd/index.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const cli = join(here, '..', 'bin', 'procblock.js');

let python;
/** A Python that can `import rrdtool` (Debian's python3-rrdtool installs into /usr/bin/python3's path). */
function findPython() {
  if (python === undefined) {
    python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import rrdtool'], { stdio: 'ignore' }).status === 0) ?? null;
  }
  return python;
}

/** Run bench/librrd-peer.py with `args`; its JSON result, or undefined without python3-rrdtool. */
export function librrd(args) {
  const py = findPython();
  if (!py) return undefined;
  const r = spawnSync(py, [join(here, 'librrd-peer.py'), ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`librrd-peer.py ${args[0]} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** utime + stime (seconds) and RSS (KiB) of a live process, from /proc. */
function procUsage(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpu = (Number(f[11]) + Number(f[12])) / CLK_TCK;
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1] ?? 0);
  return { cpu, rss };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * `procblock` running a block whose RunThread (every second) returns `files` entries, each
 * collected into its own file (`timeseries collect` with `key:`). Waits until every file exists,
 * warms up 3 s, then measures CPU (utime + stime from /proc) and peak RSS for `seconds`.
 */
export async function collectOurs(dir, files, seconds) {
  writeFileSync(
    join(dir, 'many.yaml'),
    `run:
  - script: many.mjs
    cache: 1
    thread_id: many
    timeseries collect:
      path: data/%(key)s.rrd
      key: files
      interval: 1
      fields:
        a:
          type: GAUGE
        b:
          type: COUNTER
__usage:
  name: rrd-bench-many
  longrunning: true
`,
  );
  writeFileSync(
    join(dir, 'many.mjs'),
    `let k = 0;
export function processBlock() {
  k++;
  const files = {};
  for (let i = 0; i < ${files}; i++) files['f' + i] = { a: i % 97, b: k * 1000 + i };
  return { files };
}
`,
  );
  mkdirSync(join(dir, 'data'), { recursive: true });
  const child = spawn(process.execPath, [cli, '--quiet', 'many.yaml'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const exited = new Promise((r) => child.once('exit', r));
  try {
    while (readdirSync(join(dir, 'data')).filter((f) => f.endsWith('.rrd')).length < files) {
      if (child.exitCode !== null) throw new Error(`procblock exited: ${stderr}`);
      await sleep(200);
    }
    await sleep(3000);
    const start = procUsage(child.pid);
    const t0 = performance.now();
    let peak = start.rss;
    const startSec = Math.floor(Date.now() / 1000);
    while (performance.now() - t0 < seconds * 1000) {
      await sleep(250);
      peak = Math.max(peak, procUsage(child.pid).rss);
    }
    const end = procUsage(child.pid);
    const wall = (performance.now() - t0) / 1000;
    const endSec = Math.floor(Date.now() / 1000);
    child.kill('SIGTERM');
    await exited;
    let knownRows = 0;
    let windowRows = 0;
    for (const name of ['f0', `f${files - 1}`]) {
      const f = await RrdFile.open(join(dir, 'data', `${name}.rrd`));
      const r = f.fetch({ cf: 'AVERAGE', start: startSec + 1, end: endSec - 2 });
      knownRows += r.columns[0].filter((v) => !Number.isNaN(v)).length;
      windowRows += r.rows;
      await f.close();
    }
    return { cpuPercent: (100 * (end.cpu - start.cpu)) / wall, peakRssMiB: peak / 1024, knownRows, windowRows, stderr: stderr.trim() };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  }
}
