// Crash-test child: keeps updating an existing file and prints the index of the last sample of
// every update call that has returned. The parent SIGKILLs it: at a random moment, or — with
// CRASH_PAUSE_AT=<point>:<n> — exactly after the n-th write of that kind ('record', 'rows',
// 'slot'), where the child says PAUSED and blocks until the kill.
import { writeSync } from 'node:fs';
import { crashSample } from './crash-samples.mjs';

const [, , distIndex, path, seedArg] = process.argv;
const { RrdFile } = await import(distIndex);
let writeHook;
if (process.env.CRASH_PAUSE_AT) {
  const [point, nth] = process.env.CRASH_PAUSE_AT.split(':');
  let seen = 0;
  writeHook = (p) => {
    if (p !== point || ++seen !== Number(nth)) return;
    writeSync(1, 'PAUSED\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
    process.exit(3); // never killed: the parent reports it
  };
}
// A small log limit makes checkpoints (slot writes) frequent, so kills land in them too.
const file = await RrdFile.open(path, { logLimitBytes: Number(process.env.CRASH_LOG_LIMIT ?? 4096), writeHook });
const info = file.info();
const T0 = Number(process.env.CRASH_T0);
let k = Math.round((info.lastUpdate + info.lastUpdateUsec / 1e6 - T0) / 0.75) + 1;
let seed = Number(seedArg) >>> 0;
const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);
for (;;) {
  const n = rnd() < 0.5 ? 1 : 1 + Math.floor(rnd() * 20);
  const batch = [];
  for (let i = 0; i < n; i++) batch.push(crashSample(T0, k + i));
  await file.update(batch);
  k += n;
  writeSync(1, `${k - 1}\n`);
}
