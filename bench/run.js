#!/usr/bin/env node
// Runs every bench/*.bench.mjs (or those whose name contains an argument) one after another,
// so they never compete for the machine's cores, and prints their lines.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('--'));
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
let failed = 0;
for (const f of benches) {
  console.log(`\n## ${f}`);
  const r = spawnSync(process.execPath, [`${dir}${f}`, ...passThrough], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`(${f} exited with ${r.status ?? r.signal})`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
