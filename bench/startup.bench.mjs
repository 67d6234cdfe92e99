// Start-up: `procblock demos/simplest/simplest.yaml` (load YAML, validate, start a worker, run a
// .ts script, print, exit) against `node -e 0`, alternated in the same run.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 30);

function time(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const cli = ['bin/procblock.js', '--quiet', 'demos/simplest/simplest.yaml'];
// Warm the OS file cache and procblock's transform cache once.
time(cli);
time(['-e', '0']);
const ours = [];
const peer = [];
for (let i = 0; i < runs; i++) {
  ours.push(time(cli));
  peer.push(time(['-e', '0']));
}
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const o = med(ours);
const p = med(peer);
console.log(`startup p50 (${runs} runs): ours ${o.toFixed(1)} ms | node -e 0 ${p.toFixed(1)} ms | ratio ${(o / p).toFixed(2)} | target <= 3`);
