/**
 * Differential tests: the same scenario through procblock's store and the real rrdtool 1.7;
 * every archive fetched from both must agree (timestamps, unknowns, values within 1e-9 rel).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportXml, importXml, RrdFile, type FetchResult } from '../../../src/timeseries/rrd/index.js';
import { parseFetch, requireRrdtool, RrdtoolPipe, type ParsedFetch } from './rrdtool-pipe.js';
import { createArgs, makeScenario, type Scenario } from './scenario-gen.js';

const SCENARIOS = 320;
const CHUNK = 40;
const haveRrdtool = requireRrdtool();

/** Counted over the run, so a suite that compares only unknowns cannot pass unnoticed. */
const seen = { known: 0, unknown: 0 };

function sameFetch(ours: FetchResult, ref: ParsedFetch, label: string): void {
  const times = Array.from({ length: ours.rows }, (_, i) => ours.start + (i + 1) * ours.step);
  expect(times, `${label}: timestamps`).toEqual(ref.times);
  expect(ours.dsNames, `${label}: names`).toEqual(ref.names);
  for (let d = 0; d < ours.dsNames.length; d++) {
    for (let i = 0; i < ours.rows; i++) {
      const a = ours.columns[d]![i]!;
      const b = ref.values[i]![d]!;
      const where = `${label}: ds ${ours.dsNames[d]} row ${times[i]}`;
      if (Number.isNaN(b)) {
        seen.unknown++;
        expect(a, where).toBeNaN();
      } else {
        seen.known++;
        expect(Number.isNaN(a), `${where}: ours unknown, rrdtool ${b}`).toBe(false);
        const tol = Math.max(Math.abs(b) * 1e-9, 1e-300);
        // rrdtool prints %0.10e, so allow its rounding too (5e-11 relative).
        expect(Math.abs(a - b) <= Math.max(tol, Math.abs(b) * 6e-11), `${where}: ours ${a}, rrdtool ${b}`).toBe(true);
      }
    }
  }
}

/**
 * Odd seeds pass values as the text rrdtool gets; even seeds as JS numbers (bigint beyond 2^53),
 * the way a collector passes them.
 */
function toValue(text: string, asNumber: boolean): string | number | bigint | null {
  if (text === 'U') return null;
  if (!asNumber) return text;
  if (/^-?[0-9]+$/.test(text) && !Number.isSafeInteger(Number(text))) return BigInt(text);
  return Number(text);
}

async function feed(file: RrdFile, s: Scenario): Promise<void> {
  for (let i = 0; i < s.samples.length; i += CHUNK) {
    const chunk = s.samples.slice(i, i + CHUNK);
    await file.update(
      chunk.map((x) => ({ time: x.time, values: Object.fromEntries(s.ds.map((d, j) => [d.name, toValue(x.values[j]!, s.seed % 2 === 0)])) })),
    );
  }
}

function updateCmds(s: Scenario, f: string): string[] {
  const cmds: string[] = [];
  for (let i = 0; i < s.samples.length; i += CHUNK) {
    cmds.push(`update ${f} ${s.samples.slice(i, i + CHUNK).map((x) => `${x.time}:${x.values.join(':')}`).join(' ')}`);
  }
  return cmds;
}

/** The fetch windows we compare: each archive's full span at its own resolution, plus a random window. */
function windows(file: RrdFile, s: Scenario): { cf: Scenario['rra'][number]['cf']; start: number; end: number; resolution: number }[] {
  const last = file.lastUpdate();
  const out = s.rra.map((r, i) => ({ cf: r.cf, start: file.first(i) - r.steps * s.step, end: last, resolution: r.steps * s.step }));
  const r0 = s.rra[s.seed % s.rra.length]!;
  const end = last - ((s.seed * 31) % (s.step * 20));
  out.push({ cf: r0.cf, start: end - ((s.seed * 7919) % (s.step * 300)) - 1, end, resolution: 1 });
  return out;
}

describe.skipIf(!haveRrdtool)('rrd store vs rrdtool 1.7 (differential)', () => {
  let dir: string;
  let pipe: RrdtoolPipe;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pb-rrd-diff-'));
    pipe = new RrdtoolPipe(dir);
  });
  afterAll(async () => {
    await pipe.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`agrees on ${SCENARIOS} seeded scenarios, every archive`, async () => {
    for (let seed = 1; seed <= SCENARIOS; seed++) {
      const s = makeScenario(seed);
      const ref = `ref${seed}.rrd`;
      const ours = await RrdFile.create(join(dir, `ours${seed}.pbrrd`), { step: s.step, start: s.start, ds: s.ds, rra: s.rra });
      await feed(ours, s);
      const pending: Promise<string>[] = [pipe.run(createArgs(s, ref)), ...updateCmds(s, ref).map((c) => pipe.run(c))];
      const ws = windows(ours, s);
      const fetches = ws.map((w) => pipe.run(`fetch ${ref} ${w.cf} -r ${w.resolution} -s ${w.start} -e ${w.end}`));
      await Promise.all(pending);
      const outs = await Promise.all(fetches);
      ws.forEach((w, i) => sameFetch(ours.fetch(w), parseFetch(outs[i]!), `seed ${seed} fetch ${JSON.stringify(w)}`));
      expect(ours.lastUpdate()).toBe(Number((await pipe.run(`last ${ref}`)).trim()));
      for (let i = 0; i < s.rra.length; i++) {
        expect(ours.first(i), `seed ${seed} first(${i})`).toBe(Number((await pipe.run(`first ${ref} --rraindex ${i}`)).trim()));
      }
      await ours.close();
      rmSync(join(dir, `ours${seed}.pbrrd`));
      rmSync(join(dir, ref));
    }
    expect(seen.known).toBeGreaterThan(15_000);
    expect(seen.unknown).toBeGreaterThan(2_000);
  });

  it('export → rrdtool restore → rrdtool fetch agrees with our fetch', async () => {
    for (let seed = 1000; seed < 1040; seed++) {
      const s = makeScenario(seed);
      const ours = await RrdFile.create(join(dir, `x${seed}.pbrrd`), { step: s.step, start: s.start, ds: s.ds, rra: s.rra });
      await feed(ours, s);
      writeFileSync(join(dir, `x${seed}.xml`), exportXml(ours));
      await pipe.run(`restore -f x${seed}.xml x${seed}.rrd`);
      for (const w of windows(ours, s)) {
        sameFetch(ours.fetch(w), parseFetch(await pipe.run(`fetch x${seed}.rrd ${w.cf} -r ${w.resolution} -s ${w.start} -e ${w.end}`)), `restore seed ${seed}`);
      }
      await ours.close();
    }
  });

  it('rrdtool dump → our import → fetch agrees with rrdtool fetch', async () => {
    for (let seed = 2000; seed < 2040; seed++) {
      const s = makeScenario(seed);
      const ref = `d${seed}.rrd`;
      await pipe.run(createArgs(s, ref));
      for (const c of updateCmds(s, ref)) await pipe.run(c);
      await pipe.run(`dump ${ref} d${seed}.xml`);
      const ours = await importXml(readFileSync(join(dir, `d${seed}.xml`), 'utf8'), join(dir, `d${seed}.pbrrd`));
      for (const w of windows(ours, s)) {
        sameFetch(ours.fetch(w), parseFetch(await pipe.run(`fetch ${ref} ${w.cf} -r ${w.resolution} -s ${w.start} -e ${w.end}`)), `import seed ${seed}`);
      }
      await ours.close();
    }
  });
});
