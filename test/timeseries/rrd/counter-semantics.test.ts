/**
 * Counter and rate rules without rrdtool: wraps (32- and 64-bit, as rrdtool 1.7.2 computes them),
 * resets, DERIVE going down or crossing zero, min/max, the heartbeat. Expected values are worked
 * out in the comments; `rrdtool fetch` printed the same for these updates (1.7.2, Debian).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RrdFile, type DsDef, type RrdSample } from '../../../src/timeseries/rrd/index.js';

const dir = mkdtempSync(join(tmpdir(), 'pb-rrd-counter-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const T0 = 1_600_000_000;
let n = 0;

/** Rows (time → value per DS) after `samples`, step 10, one AVERAGE row per step. */
async function rows(ds: DsDef[], samples: RrdSample[]): Promise<Map<number, number[]>> {
  const f = await RrdFile.create(join(dir, `c${++n}.pbrrd`), { step: 10, start: T0, ds, rra: [{ cf: 'AVERAGE', xff: 0.5, steps: 1, rows: 20 }] });
  await f.update(samples);
  const r = f.fetch({ cf: 'AVERAGE', start: T0, end: samples.at(-1)!.time as number });
  await f.close();
  const out = new Map<number, number[]>();
  for (let i = 0; i < r.rows; i++) out.set(r.start + (i + 1) * r.step, r.columns.map((c) => c[i]!));
  return out;
}

const at = (k: number, values: RrdSample['values']): RrdSample => ({ time: T0 + 10 * k, values });

describe('COUNTER', () => {
  it('the first reading has nothing to subtract from: unknown', async () => {
    const r = await rows([{ name: 'c', type: 'COUNTER', heartbeat: 20 }], [at(1, { c: 100 }), at(2, { c: 150 })]);
    expect(r.get(T0 + 10)).toEqual([NaN]);
    expect(r.get(T0 + 20)).toEqual([5]);
  });

  it('wraps at 32 bits by adding 2^32 − 1 (rrdtool 1.7, sic), from numbers and from text alike', async () => {
    // 200 − 4294967000 = −4294966800; + 4294967295 = 495; / 10 s = 49.5 (a true 2^32 wrap gives 49.6)
    for (const [a, b] of [
      [4294967000, 200],
      ['4294967000', '200'],
    ] as const) {
      const r = await rows([{ name: 'c', type: 'COUNTER', heartbeat: 20 }], [at(1, { c: a }), at(2, { c: b })]);
      expect(r.get(T0 + 20)).toEqual([49.5]);
    }
  });

  it('wraps at 64 bits when adding 2^32 − 1 is not enough, in doubles as rrdtool', async () => {
    // 4096 − 18446744073709547520 = −(2^64 − 2^13); + (2^32 − 1) is still negative; + (2^64 − 2^32):
    // exactly 8191, but rrdtool adds in doubles (spacing 2048 near 2^64) and gets 8192 → 819.2/s.
    for (const [a, b] of [
      [18446744073709547520n, 4096n],
      ['18446744073709547520', '4096'],
    ] as const) {
      const r = await rows([{ name: 'c', type: 'COUNTER', heartbeat: 20 }], [at(1, { c: 200 }), at(2, { c: a }), at(3, { c: b })]);
      expect(r.get(T0 + 20)).toEqual([(18446744073709547520 - 200) / 10]);
      expect(r.get(T0 + 30)).toEqual([819.2]);
    }
  });

  it('counts exactly beyond 2^53 when given bigint or text', async () => {
    const r = await rows([{ name: 'c', type: 'COUNTER', heartbeat: 20 }], [at(1, { c: 9007199254740993n }), at(2, { c: '9007199254741093' })]);
    expect(r.get(T0 + 20)).toEqual([10]); // 100 / 10 s; as doubles the two would differ by 100 ± 2
  });

  it('a reset (a small drop) reads as a huge wrap, which max turns into unknown', async () => {
    // 10 − 1000 + 4294967295 = 4294966305 → 429496630.5/s; with max 1e6 that rate is unknown
    const ds: DsDef[] = [
      { name: 'c', type: 'COUNTER', heartbeat: 20 },
      { name: 'm', type: 'COUNTER', heartbeat: 20, max: 1e6 },
    ];
    const r = await rows(ds, [at(1, { c: 1000, m: 1000 }), at(2, { c: 10, m: 10 }), at(3, { c: 20, m: 20 })]);
    expect(r.get(T0 + 20)).toEqual([429496630.5, NaN]);
    expect(r.get(T0 + 30)).toEqual([1, 1]);
  });

  it('rejects negative and fractional counter values', async () => {
    const f = await RrdFile.create(join(dir, `c${++n}.pbrrd`), { step: 10, start: T0, ds: [{ name: 'c', type: 'COUNTER', heartbeat: 20 }], rra: [{ cf: 'AVERAGE', xff: 0.5, steps: 1, rows: 5 }] });
    for (const c of [-1, 1.5, '-1', '2e3']) await expect(f.update(at(1, { c }))).rejects.toMatchObject({ code: 'PB_ERR_RRD_UPDATE' });
    await f.close();
  });
});

describe('DERIVE', () => {
  it('goes negative (no wrap); min 0 makes a negative rate unknown; crossing zero is unknown', async () => {
    const ds: DsDef[] = [
      { name: 'd', type: 'DERIVE', heartbeat: 20 },
      { name: 'p', type: 'DERIVE', heartbeat: 20, min: 0 },
    ];
    // 1000 → 400: −60/s; 400 → 5: −39.5/s; 5 → −5: signs differ, rrdtool's rrd_diff gives up (unknown)
    const r = await rows(ds, [at(1, { d: 1000, p: 1000 }), at(2, { d: 400, p: 400 }), at(3, { d: 5, p: 5 }), at(4, { d: -5, p: -5 }), at(5, { d: -15, p: -15 })]);
    expect(r.get(T0 + 20)).toEqual([-60, NaN]);
    expect(r.get(T0 + 30)).toEqual([-39.5, NaN]);
    expect(r.get(T0 + 40)).toEqual([NaN, NaN]);
    expect(r.get(T0 + 50)).toEqual([-1, NaN]);
  });
});

describe('ABSOLUTE and GAUGE', () => {
  it('ABSOLUTE divides each reading by its interval; GAUGE keeps it; both obey min/max', async () => {
    const ds: DsDef[] = [
      { name: 'a', type: 'ABSOLUTE', heartbeat: 20 },
      { name: 'g', type: 'GAUGE', heartbeat: 20, min: 0, max: 100 },
    ];
    const r = await rows(ds, [at(1, { a: 50, g: 50 }), at(2, { a: 70, g: 150 }), at(3, { a: 0, g: -1 })]);
    expect(r.get(T0 + 10)).toEqual([5, 50]);
    expect(r.get(T0 + 20)).toEqual([7, NaN]);
    expect(r.get(T0 + 30)).toEqual([0, NaN]);
  });
});

describe('heartbeat', () => {
  it('an interval longer than the heartbeat makes the reading unknown and restarts the counter from it', async () => {
    // 10 s steps, heartbeat 20: the gap 40 → 70 s is 30 s, so rows 50–70 are unknown and the
    // counter's next delta is taken from the value read at 70 s, not the one at 40 s
    const r = await rows([{ name: 'c', type: 'COUNTER', heartbeat: 20 }], [at(1, { c: 100 }), at(2, { c: 200 }), at(4, { c: 400 }), at(7, { c: 4196 }), at(8, { c: 4296 })]);
    expect(r.get(T0 + 20)).toEqual([10]);
    expect(r.get(T0 + 30)).toEqual([10]); // 20 s ≤ heartbeat: 200 → 400 spread over two steps
    expect(r.get(T0 + 40)).toEqual([10]);
    expect([T0 + 50, T0 + 60, T0 + 70].map((t) => r.get(t)![0])).toEqual([NaN, NaN, NaN]);
    expect(r.get(T0 + 80)).toEqual([10]);
  });

  it('the late reading adds nothing to the step it lands in; the step is filled by the next one', async () => {
    // 10 → 45 s is 35 s > heartbeat: what it reports (20/s for the counter, 20 for the gauge) is
    // dropped, so 40–45 s is unknown and row 50 is the 10/s or 10 of 45 → 50 s alone (5 unknown
    // seconds ≤ half a step); taking the late reading would give (20·5 + 10·5) / 10 = 15
    const ds: DsDef[] = [
      { name: 'c', type: 'COUNTER', heartbeat: 20 },
      { name: 'g', type: 'GAUGE', heartbeat: 20 },
    ];
    const r = await rows(ds, [at(1, { c: 100, g: 5 }), { time: T0 + 45, values: { c: 800, g: 20 } }, at(5, { c: 850, g: 10 }), at(6, { c: 950, g: 10 })]);
    expect([T0 + 20, T0 + 30, T0 + 40].map((t) => r.get(t))).toEqual([
      [NaN, NaN],
      [NaN, NaN],
      [NaN, NaN],
    ]);
    expect(r.get(T0 + 50)).toEqual([10, 10]);
    expect(r.get(T0 + 60)).toEqual([10, 10]);
  });

  it('a gauge sample later than the heartbeat is unknown even though its value is fine', async () => {
    const r = await rows([{ name: 'g', type: 'GAUGE', heartbeat: 15 }], [at(1, { g: 5 }), at(3, { g: 7 }), at(4, { g: 9 })]);
    expect(r.get(T0 + 10)).toEqual([5]);
    expect([r.get(T0 + 20)![0], r.get(T0 + 30)![0]]).toEqual([NaN, NaN]);
    expect(r.get(T0 + 40)).toEqual([9]);
  });
});
