// Graph rendering vs rrdtool 1.7 `graph`, measured in the same run.
// One day of 5-second data (17,280 samples, one GAUGE) in a file with SPEC §6's default archives,
// made by our store for us and by rrdtool for rrdtool; both draw a 600×200 plot with a title,
// a vertical label, a LINE and a last/min/max/avg legend, and write the PNG to disk.
// Ours: open + fetch + chart + PNG + atomic write + close. rrdtool: one `graph` command in pipe
// mode (`rrdtool -`), which also opens the file and writes the PNG.
// Usage: npm run build && node bench/graph.bench.mjs [iterations]
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultArchives, RrdFile } from '../dist/timeseries/rrd/index.js';
import { parseGraphOptions, renderGraph, writeGraph } from '../dist/graph/index.js';
import { rrdtoolPipe } from './rrdtool-pipe.mjs';
import { line, median } from './report.mjs';

const ITER = Number(process.argv[2] ?? 40);
const WARMUP = 5;
const STEP = 5;
const SAMPLES = 17_280;
const END = 1_700_006_400; // a multiple of 300 s, so every archive ends on a row boundary
const START = END - SAMPLES * STEP;
const dir = mkdtempSync(join(tmpdir(), 'pb-graph-bench-'));



// A day that looks like a real metric: a slow wave, noise, and a 20-minute outage (unknown).
function value(i) {
  if (i >= 9000 && i < 9240) return undefined;
  return 40 + 25 * Math.sin(i / 1400) + 8 * Math.sin(i / 37) + ((i * 7919) % 101) / 20;
}

const oursPath = join(dir, 'ours.rrd');
const refPath = join(dir, 'ref.rrd');
const ours = await RrdFile.create(oursPath, {
  step: STEP,
  start: START,
  ds: [{ name: 'value', type: 'GAUGE', heartbeat: 2 * STEP }],
  rra: defaultArchives(),
});
const batch = [];
for (let i = 1; i <= SAMPLES; i++) {
  const v = value(i);
  batch.push({ time: START + i * STEP, values: { value: v ?? null } });
  if (batch.length === 1000 || i === SAMPLES) {
    await ours.update(batch.splice(0));
  }
}
await ours.close();

const rt = rrdtoolPipe(dir);
const rras = defaultArchives().map((a) => `RRA:${a.cf}:${a.xff}:${a.steps}:${a.rows}`).join(' ');
await rt.run(`create ${refPath} --start ${START} --step ${STEP} DS:value:GAUGE:${2 * STEP}:U:U ${rras}`);
let args = [];
for (let i = 1; i <= SAMPLES; i++) {
  const v = value(i);
  args.push(`${START + i * STEP}:${v === undefined ? 'U' : v}`);
  if (args.length === 500 || i === SAMPLES) {
    await rt.run(`update ${refPath} ${args.join(' ')}`);
    args = [];
  }
}

const options = parseGraphOptions(
  { path: join(dir, 'ours.png'), title: 'Bench: one day of 5 s data', 'vertical label': 'value', period: '1d', method: 'LINE' },
  'bench',
);
const refPng = join(dir, 'ref.png');
const rrdGraph =
  `graph ${refPng} --start ${END - 86_400} --end ${END} --width 600 --height 200 ` +
  `--title "Bench: one day of 5 s data" --vertical-label value ` +
  `DEF:v=${refPath}:value:AVERAGE VDEF:vl=v,LAST VDEF:vmin=v,MINIMUM VDEF:vmax=v,MAXIMUM VDEF:vavg=v,AVERAGE ` +
  `LINE1:v#CA442A:value GPRINT:vl:"last %6.2lf%s" GPRINT:vmin:"min %6.2lf%s" GPRINT:vmax:"max %6.2lf%s" GPRINT:vavg:"avg %6.2lf%s"`;

async function oursOnce() {
  const t0 = performance.now();
  const file = await RrdFile.open(oursPath);
  try {
    await writeGraph(options.path, await renderGraph(file, options, END));
  } finally {
    await file.close();
  }
  return performance.now() - t0;
}
async function peerOnce() {
  const t0 = performance.now();
  await rt.run(rrdGraph);
  return performance.now() - t0;
}

for (let i = 0; i < WARMUP; i++) {
  await oursOnce();
  await peerOnce();
}
const tOurs = [];
const tPeer = [];
// CPU time as well as wall time: on a shared 2-core machine wall time swings with other work,
// CPU time much less. Ours: this process (all threads) during our renders only.
let oursCpuMicros = 0;
const peerCpuStart = rt.cpuSeconds();
// Interleaved, so background load on the shared machine hits both alike.
for (let i = 0; i < ITER; i++) {
  const c0 = process.cpuUsage();
  tOurs.push(await oursOnce());
  const c1 = process.cpuUsage(c0);
  oursCpuMicros += c1.user + c1.system;
  tPeer.push(await peerOnce());
}
const peerCpuMs = ((rt.cpuSeconds() - peerCpuStart) * 1000) / ITER;
await rt.close();

const oursSize = statSync(options.path).size;
const peerSize = statSync(refPng).size;
line(
  `graph 600x200 LINE, 1 day of 5 s data (median of ${ITER})`,
  median(tOurs),
  'rrdtool 1.7 graph (pipe mode)',
  median(tPeer),
  'ms/render',
  '≤ 1.00',
);
line(
  'graph CPU time per render (same renders)',
  oursCpuMicros / 1000 / ITER,
  'rrdtool 1.7 graph (its own u:+s: report)',
  peerCpuMs,
  'ms',
  '≤ 1.00',
);
const pngInfo = (p) => {
  const b = readFileSync(p);
  return `${b.readUInt32BE(16)}×${b.readUInt32BE(20)} ${['grey', '', 'RGB', 'indexed', 'grey+alpha', '', 'RGBA'][b[25]]}`;
};
line(`graph PNG size (ours ${pngInfo(options.path)}; rrdtool ${pngInfo(refPng)})`, oursSize / 1024, 'rrdtool', peerSize / 1024, 'KiB', '≤ 1.20');
if (process.env.PB_BENCH_KEEP) console.log(`kept: ${dir}`);
else rmSync(dir, { recursive: true, force: true });
