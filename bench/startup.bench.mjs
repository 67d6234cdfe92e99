// Start-up of a one-shot block: `procblock --quiet simplest.yaml` (load the block, start a worker
// thread, run a .ts script, print the result, exit), against `node -e 0`, alternated in one run.
//
//   first run: a fresh copy of demos/simplest with a unique line appended to the script and the
//     block, as after creating or editing a block: both caches miss (the loaded-block cache and
//     the TypeScript transform cache), so the YAML parser, the validator and the transformer load.
//   warm: demos/simplest/simplest.yaml run again unchanged: both caches hit.
//
// Entries the first runs add to the caches are removed again afterwards.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { procblockCacheDirs } from '../dist/core/cache-dirs.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 30);
const cli = path.join(root, 'bin', 'procblock.js');
const demo = path.join(root, 'demos', 'simplest');

function time(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const cacheDirs = [...procblockCacheDirs('blocks'), ...procblockCacheDirs('ts')];
const listCaches = () => new Set(cacheDirs.flatMap((d) => (existsSync(d) ? readdirSync(d).map((f) => path.join(d, f)) : [])));
const before = listCaches();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'procblock-startup-'));

function firstRun(i) {
  const dir = path.join(tmp, `run-${i}`);
  cpSync(demo, dir, { recursive: true });
  appendFileSync(path.join(dir, 'simplest.ts'), `\n// bench run ${i} ${process.pid}\n`);
  appendFileSync(path.join(dir, 'simplest.yaml'), `\n# bench run ${i} ${process.pid}\n`);
  return time([cli, '--quiet', path.join(dir, 'simplest.yaml')]);
}

const warmCli = [cli, '--quiet', path.join(demo, 'simplest.yaml')];
// Warm the OS file cache and procblock's caches for the warm runs.
time(warmCli);
time(['-e', '0']);
const cold = [];
const warm = [];
const peer = [];
let added = 0;
try {
  for (let i = 0; i < runs; i++) {
    cold.push(firstRun(i));
    peer.push(time(['-e', '0']));
    warm.push(time(warmCli));
  }
} finally {
  const after = listCaches();
  for (const f of after) {
    if (!before.has(f)) {
      added++;
      rmSync(f, { force: true });
    }
  }
  rmSync(tmp, { recursive: true, force: true });
}
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const p = med(peer);
const line = (what, ms, target) =>
  console.log(`startup ${what} p50 (${runs} runs): ours ${ms.toFixed(1)} ms | node -e 0 ${p.toFixed(1)} ms | ratio ${(ms / p).toFixed(2)} | target <= ${target}`);
line('first run, no caches', med(cold), 3);
line('warm', med(warm), 2);
console.log(`(the first runs added ${added} cache entries, removed again: ${(added / runs).toFixed(1)} per run, so each one missed both caches)`);
