/**
 * Crash safety: a child process updating a file is SIGKILLed — at random moments, and exactly
 * between the writes of an update (after its log record, after its rows in place, after a
 * checkpoint slot), where a test hook makes the child pause. After each kill the file must open
 * and equal (state and every row) a reference that applied exactly the samples up to some index
 * ≥ the last one whose update had returned. A writer that wrote in the wrong order (rows before
 * their record, a checkpoint slot before the rows) is caught at the kill between the two.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { layoutOf } from '../../../src/timeseries/rrd/binary-format.js';
import { resolveDefinition } from '../../../src/timeseries/rrd/definition.js';
import { exportXml, RrdFile, type RrdDefinition } from '../../../src/timeseries/rrd/index.js';
import type { WritePoint } from '../../../src/timeseries/rrd/types.js';
import { crashSample } from './crash-samples.mjs';
import { mulberry32 } from './scenario-gen.js';

const T0 = 1_700_000_000;
const dist = fileURLToPath(new URL('../../../dist/timeseries/rrd/index.js', import.meta.url));
const child = fileURLToPath(new URL('./crash-child.mjs', import.meta.url));

type Stop = { afterReports: number } | { pauseAt: WritePoint; nth: number };

/** Run the child until the stop condition, SIGKILL it; resolves with the last index it reported returned. */
function runAndKill(path: string, stop: Stop, seed: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, CRASH_T0: String(T0), CRASH_LOG_LIMIT: String(2048 + ((seed * 977) % 8192)) };
    if ('pauseAt' in stop) env.CRASH_PAUSE_AT = `${stop.pauseAt}:${stop.nth}`;
    const p = spawn(process.execPath, [child, dist, path, String(seed)], { env });
    let buf = '';
    let seen = 0;
    let last = -1;
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === 'PAUSED') p.kill('SIGKILL');
        else {
          last = Number(line);
          if ('afterReports' in stop && ++seen === stop.afterReports) p.kill('SIGKILL');
        }
      }
    });
    p.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(last);
      else reject(new Error(`child exited (${code}) before the kill: ${err}`));
    });
  });
}

const def: RrdDefinition = {
  step: 1,
  start: T0 - 1,
  ds: [
    { name: 'g', type: 'GAUGE', heartbeat: 5 },
    { name: 'c', type: 'COUNTER', heartbeat: 5 },
    { name: 'd', type: 'DERIVE', heartbeat: 5 },
  ],
  rra: [
    { cf: 'AVERAGE', xff: 0.5, steps: 1, rows: 3000 },
    { cf: 'MAX', xff: 0.5, steps: 4, rows: 50 },
    // wraps every few updates, so a row written out of order always replaces a real value
    { cf: 'LAST', xff: 0.5, steps: 1, rows: 7 },
  ],
};

/** A file, a reference, and the check after each kill. */
async function killSeries(dir: string, name: string, stops: readonly Stop[]): Promise<number> {
  const path = join(dir, `${name}.pbrrd`);
  await (await RrdFile.create(path, def)).close();
  const ref = await RrdFile.create(join(dir, `${name}-ref.pbrrd`), def);
  let refIndex = -1;
  for (const [kill, stop] of stops.entries()) {
    const lastReturned = await runAndKill(path, stop, kill + 1);
    const f = await RrdFile.open(path);
    const info = f.info();
    const held = Math.round((info.lastUpdate + info.lastUpdateUsec / 1e6 - T0) / 0.75);
    const where = `kill ${kill} (${JSON.stringify(stop)})`;
    expect(held, `${where}: last returned sample ${lastReturned} must be in the file`).toBeGreaterThanOrEqual(lastReturned);
    const batch = [];
    for (let k = refIndex + 1; k <= held; k++) batch.push(crashSample(T0, k));
    await ref.update(batch);
    refIndex = held;
    expect(exportXml(f), `${where}: file equals the reference at sample ${held}`).toBe(exportXml(ref));
    await f.close();
  }
  await ref.close();
  return refIndex;
}

describe('crash safety (SIGKILL during updates)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-rrd-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('survives 40 kills at random moments with every returned sample kept', async () => {
    const rnd = mulberry32(42);
    const stops = Array.from({ length: 40 }, () => ({ afterReports: 1 + Math.floor(rnd() * 12) }));
    expect(await killSeries(dir, 'random', stops)).toBeGreaterThan(40);
    // Child processes one after another (~0.2 s of CPU each with the checks): beside two CPU hogs
    // on a busy 2-core machine the earlier 100-kill version took 88-171 s, failing the default
    // 60 s budget; 3 s per child covers that, and a quiet machine needs a tenth of it.
  }, 40 * 3_000);

  it('survives kills between the writes of an update and inside checkpoints, every time', async () => {
    const rnd = mulberry32(7);
    const points: WritePoint[] = ['record', 'rows', 'slot'];
    // 8 kills at each point, each after a different number of writes of that kind
    const stops = points.flatMap((pauseAt) => Array.from({ length: 8 }, () => ({ pauseAt, nth: 1 + Math.floor(rnd() * 10) })));
    expect(await killSeries(dir, 'paused', stops)).toBeGreaterThan(24);
  }, 24 * 3_000);

  // A SIGKILL cannot tear a single small write (the kernel finishes it), so torn checkpoint
  // writes — what power loss could leave — are built here byte-exactly: the file as it was after
  // a checkpoint, with part of the state slot it just wrote put back to its old bytes.
  it('a torn checkpoint slot write falls back to the other slot plus the log', async () => {
    const def: RrdDefinition = {
      step: 1,
      start: T0 - 1,
      ds: [{ name: 'g', type: 'GAUGE', heartbeat: 5 }, { name: 'c', type: 'COUNTER', heartbeat: 5 }, { name: 'd', type: 'DERIVE', heartbeat: 5 }],
      rra: [{ cf: 'AVERAGE', xff: 0.5, steps: 1, rows: 40 }, { cf: 'MIN', xff: 0.5, steps: 3, rows: 9 }],
    };
    const layout = layoutOf(resolveDefinition(def, 'x'));
    const path = join(dir, 'torn.pbrrd');
    const w = await RrdFile.create(path, def, { logLimitBytes: 1500 });
    const ref = await RrdFile.create(join(dir, 'torn-ref.pbrrd'), def);
    let torn = 0;
    for (let k = 0; k < 120; k++) {
      const before = readFileSync(path);
      await w.update(crashSample(T0, k));
      await ref.update(crashSample(T0, k));
      const after = readFileSync(path);
      for (const off of layout.slotOffset) {
        if (after.subarray(off, off + layout.slotLen).equals(before.subarray(off, off + layout.slotLen))) continue;
        for (const cut of [8, layout.slotLen >> 1, layout.slotLen - 8]) {
          const t = Buffer.from(after);
          before.copy(t, off + cut, off + cut, off + layout.slotLen);
          const p = join(dir, `torn-${k}-${cut}.pbrrd`);
          writeFileSync(p, t);
          const f = await RrdFile.open(p);
          expect(exportXml(f), `update ${k}, slot torn at byte ${cut}`).toBe(exportXml(ref));
          await f.close();
          torn++;
        }
      }
    }
    expect(torn).toBeGreaterThan(20);
    await w.close();
    await ref.close();
  });
});
