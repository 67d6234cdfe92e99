// Start-up of a one-shot block: `procblock --quiet simplest.yaml` (load the block, start a worker
// thread, run a .ts script in it, print the result, exit), against `node -e 0` (start Node, run
// nothing, exit), alternated run by run in one process so that load hits every side alike.
//
//   first run, no caches (the headline): PROCBLOCK_CACHE_DIR is a fresh empty folder and the block
//     a fresh copy of demos/simplest (its own, empty state folder): none of procblock's caches
//     exists (V8 code caches of the CLI bundles, the loaded-block cache, the TypeScript transform
//     cache), as on the first run after `npm install`. Everything is parsed, compiled, validated
//     and transformed; the caches are written as the run ends.
//   edited block: the block and its script edited (a unique line appended to each), procblock's
//     own code caches present: the block and transform caches miss, as after editing a block.
//   warm: the same block again, unchanged, with every cache present, as an operator re-runs a block.
//
// All caches live under a temp folder, removed afterwards; nothing outside it is read or written.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 30);
const cli = path.join(root, 'bin', 'procblock.js');
const demo = path.join(root, 'demos', 'simplest');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'procblock-startup-'));

function time(args, env = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  if (args[0] === cli && !/"random":/.test(r.stdout.toString())) throw new Error(`${args.join(' ')} printed no result: ${r.stdout}`);
  return ms;
}

const cacheEntries = (dir) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;

function copyDemo(name) {
  const dir = path.join(tmp, name);
  cpSync(demo, dir, { recursive: true });
  return path.join(dir, 'simplest.yaml');
}

let coldEntries = 0;
function coldRun(i) {
  const cacheDir = path.join(tmp, `cache-${i}`); // does not exist yet
  const ms = time([cli, '--quiet', copyDemo(`cold-${i}`)], { PROCBLOCK_CACHE_DIR: cacheDir });
  coldEntries += cacheEntries(cacheDir);
  return ms;
}

const warmCache = { PROCBLOCK_CACHE_DIR: path.join(tmp, 'cache-warm') };
const warmBlock = copyDemo('warm');
function editedRun(i) {
  const yaml = copyDemo(`edited-${i}`);
  appendFileSync(path.join(path.dirname(yaml), 'simplest.ts'), `\n// bench run ${i}\n`);
  appendFileSync(yaml, `\n# bench run ${i}\n`);
  return time([cli, '--quiet', yaml], warmCache);
}
const warmRun = () => time([cli, '--quiet', warmBlock], warmCache);

// Warm the OS file cache, and procblock's caches for the warm runs.
time(['-e', '0']);
warmRun();
warmRun();
const cold = [];
const edited = [];
const warm = [];
const peer = [];
try {
  for (let i = 0; i < runs; i++) {
    cold.push(coldRun(i));
    peer.push(time(['-e', '0']));
    edited.push(editedRun(i));
    warm.push(warmRun());
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
const sorted = (a) => [...a].sort((x, y) => x - y);
const med = (a) => sorted(a)[Math.floor(a.length / 2)];
const spread = (a) => `p10-p90 ${sorted(a)[Math.floor(a.length * 0.1)].toFixed(0)}-${sorted(a)[Math.floor(a.length * 0.9)].toFixed(0)} ms`;
const p = med(peer);
const line = (what, ms, target) =>
  console.log(
    `startup ${what} p50 (${runs} runs): ours ${med(ms).toFixed(1)} ms (${spread(ms)}) | node -e 0 ${p.toFixed(1)} ms (${spread(peer)}) | ratio ${(med(ms) / p).toFixed(2)} | target ${target}`,
  );
line('first run, no caches', cold, '<= 3');
line('edited block (code caches present)', edited, 'report');
line('warm', warm, '<= 2');
console.log(`(each first run wrote ${(coldEntries / runs).toFixed(1)} cache entries into its empty cache folder: nothing was cached before it)`);
