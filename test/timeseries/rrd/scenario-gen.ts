/** Seeded random RRD scenarios for the differential tests against rrdtool. */
import type { ConsolidationFn, DsDef, DsType, RraDef } from '../../../src/timeseries/rrd/index.js';

import { seededRandom as mulberry32 } from '../../helpers/seeded-random.js';

export { mulberry32 };

export interface Scenario {
  seed: number;
  step: number;
  start: number;
  ds: DsDef[];
  rra: RraDef[];
  /** time as the string both sides parse; values as rrdtool strings ('U' = unknown). */
  samples: { time: number; values: string[] }[];
}

const TYPES: DsType[] = ['GAUGE', 'COUNTER', 'DERIVE', 'ABSOLUTE'];
const CFS: ConsolidationFn[] = ['AVERAGE', 'MIN', 'MAX', 'LAST'];

export function makeScenario(seed: number): Scenario {
  const rnd = mulberry32(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const step = pick([1, 2, 5, 10, 15, 60, 300, int(1, 120)]);
  const start = 1_600_000_000 + int(0, 100_000);
  const nds = int(1, 3);
  const ds: DsDef[] = [];
  for (let i = 0; i < nds; i++) {
    const type = i === 0 ? TYPES[seed % 4]! : pick(TYPES);
    const d: DsDef = { name: `ds${i}_${type.toLowerCase()}`, type, heartbeat: step * int(1, 4) + int(0, step) };
    if (rnd() < 0.4) d.min = pick([0, -50, 10]);
    if (rnd() < 0.4) d.max = pick([100, 1000, 1e6]);
    if (d.min !== undefined && d.max !== undefined && d.min >= d.max) delete d.min;
    ds.push(d);
  }
  const rra: RraDef[] = [];
  const nrra = int(1, 5);
  for (let i = 0; i < nrra; i++) {
    rra.push({ cf: i === 0 ? 'AVERAGE' : pick(CFS), xff: pick([0, 0.25, 0.5, 0.75, 0.99]), steps: i === 0 ? 1 : pick([1, 2, 3, 4, 6, 10]), rows: int(3, 80) });
  }
  // Counter state per DS.
  const counters = ds.map((d) => (d.type === 'COUNTER' ? BigInt(pick([0, 4294967295 - int(0, 5000), 4294967296 * 4294967295 + 4294967295 - int(0, 5000)])) : BigInt(int(-1000, 1000))));
  const samples: Scenario['samples'] = [];
  let t = start;
  const n = int(40, 300);
  for (let k = 0; k < n; k++) {
    const mode = rnd();
    if (mode < 0.4) t += rnd() * step; // within a step, fractional
    else if (mode < 0.7) t += int(1, 3 * step);
    else if (mode < 0.75) t += step * int(3, 200) + rnd() * step; // often beyond the heartbeat / ring
    else if (mode < 0.9) t = Math.floor(t) + 1; // whole seconds
    else t += pick([0.25, 0.5, 0.001, 1e-6 * int(2, 9)]); // same second, sub-second
    t = Number(t.toFixed(6));
    // Keep times strictly increasing under rrdtool's (sec, truncated usec) rule.
    const key = (x: number): number => Math.floor(x) * 1e6 + Math.trunc((x - Math.floor(x)) * 1e6);
    if (key(t) <= key(samples.at(-1)?.time ?? start)) t = Math.floor(t) + 1;
    const values = ds.map((d, i) => {
      if (rnd() < 0.05) return 'U';
      switch (d.type) {
        case 'GAUGE':
          return String(pick([rnd() * 200 - 60, int(-100, 2e6), rnd()]));
        case 'ABSOLUTE':
          return String(pick([int(0, 5000), rnd() * 300]));
        case 'COUNTER': {
          let c = counters[i]! + BigInt(int(0, 20 * step));
          const wrap32 = 4294967296n;
          const wrap64 = 18446744073709551616n;
          if (rnd() < 0.03) c = 0n; // reset
          // wrap like a 32-bit counter when it started in that range, else 64-bit
          c = c >= wrap64 ? c - wrap64 : c < wrap64 && counters[i]! < wrap32 && c >= wrap32 ? c - wrap32 : c;
          counters[i] = c;
          return c.toString();
        }
        case 'DERIVE': {
          const c = counters[i]! + BigInt(int(-10 * step, 10 * step));
          counters[i] = c;
          return c.toString();
        }
      }
    });
    samples.push({ time: t, values });
  }
  return { seed, step, start, ds, rra, samples };
}

/** rrdtool create arguments for a scenario. */
export function createArgs(s: Scenario, file: string): string {
  const ds = s.ds.map((d) => `DS:${d.name}:${d.type}:${d.heartbeat}:${d.min ?? 'U'}:${d.max ?? 'U'}`);
  const rra = s.rra.map((r) => `RRA:${r.cf}:${r.xff}:${r.steps}:${r.rows}`);
  return `create ${file} --start ${s.start} --step ${s.step} ${ds.join(' ')} ${rra.join(' ')}`;
}
