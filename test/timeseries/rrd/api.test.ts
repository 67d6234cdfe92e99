/** The public API's own behaviour: clock-driven 'now', defaults, first/last/info, fetch rules. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultArchives, RrdFile } from '../../../src/timeseries/rrd/index.js';
import { rrdStrtod } from '../../../src/timeseries/rrd/rrd-strtod.js';
import { rrdDiff } from '../../../src/timeseries/rrd/sample-values.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const dir = mkdtempSync(join(tmpdir(), 'pb-rrd-api-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(dir, `a${++n}.pbrrd`);

describe('RrdFile API', () => {
  it('defaults to start = now − 10 and takes time "now" from the injected clock', async () => {
    const clock = new FakeClock(1_700_000_000_000);
    const f = await RrdFile.create(fresh(), { step: 5, ds: [{ name: 'x', type: 'GAUGE', heartbeat: 10 }], rra: defaultArchives() }, { clock });
    expect(f.lastUpdate()).toBe(1_699_999_990);
    await clock.advance(2_500);
    await f.update({ time: 'now', values: { x: 4 } });
    expect(f.lastUpdate()).toBe(1_700_000_002);
    expect(f.info().lastUpdateUsec).toBe(500_000);
    await f.close();
  });

  it('defaultArchives() is SPEC §6', () => {
    expect(defaultArchives().map((r) => `${r.cf} ${r.xff} ${r.steps} ${r.rows}`)).toEqual([
      'AVERAGE 0.5 1 86400',
      'AVERAGE 0.5 10 1008',
      'MAX 0.5 10 1008',
      'MIN 0.5 10 1008',
      'AVERAGE 0.5 60 8544',
    ]);
  });

  it('persists: reopened files fetch what was written; first() is the oldest row time', async () => {
    const p = fresh();
    const f = await RrdFile.create(p, { step: 10, start: 1_600_000_000, ds: [{ name: 'x', type: 'GAUGE', heartbeat: 30 }], rra: [{ cf: 'AVERAGE', xff: 0.5, steps: 1, rows: 6 }] });
    await f.update([1, 2, 3, 4].map((k) => ({ time: 1_600_000_000 + 10 * k, values: { x: k * 1.5 } })));
    await f.close();
    const g = await RrdFile.open(p);
    expect(g.lastUpdate()).toBe(1_600_000_040);
    expect(g.first(0)).toBe(1_600_000_040 - 5 * 10);
    const r = g.fetch({ cf: 'AVERAGE', start: 1_600_000_000, end: 1_600_000_040 });
    expect([r.start, r.end, r.step, r.rows]).toEqual([1_600_000_000, 1_600_000_050, 10, 5]);
    expect(Array.from(r.columns[0]!)).toEqual([1.5, 3, 4.5, 6, NaN]);
    expect(g.info().rra[0]!.rows).toBe(6);
    expect(() => g.first(3)).toThrow(expect.objectContaining({ code: 'PB_ERR_INVALID_ARGUMENT' }));
    expect(() => g.fetch({ cf: 'MAX', start: 1_600_000_000, end: 1_599_000_000 })).toThrow(expect.objectContaining({ code: 'PB_ERR_INVALID_ARGUMENT' }));
    await g.close();
  });

  it('readers see the log a live writer appended, and never write to the file', async () => {
    const p = fresh();
    const w = await RrdFile.create(p, { step: 10, start: 1_600_000_000, ds: [{ name: 'x', type: 'GAUGE', heartbeat: 30 }], rra: [{ cf: 'AVERAGE', xff: 0.5, steps: 1, rows: 6 }] });
    await w.update({ time: 1_600_000_010, values: { x: 3 } });
    await w.update({ time: 1_600_000_020, values: { x: 5 } });
    const bytes = readFileSync(p);
    const r = await RrdFile.open(p);
    expect(r.lastUpdate()).toBe(1_600_000_020);
    expect(Array.from(r.fetch({ cf: 'AVERAGE', start: 1_600_000_000, end: 1_600_000_010 }).columns[0]!)).toEqual([3, 5]);
    await r.close();
    expect(readFileSync(p).equals(bytes)).toBe(true);
    await w.close();
    const again = await RrdFile.open(p);
    expect(again.info().ds[0]!.lastDs).toBe('5');
    await again.close();
  });

  it('a 1-PDP archive of any CF answers a fetch for another CF (as rrdtool); a missing CF is an error', async () => {
    const f = await RrdFile.create(fresh(), { step: 10, start: 1_600_000_000, ds: [{ name: 'x', type: 'GAUGE', heartbeat: 30 }], rra: [{ cf: 'MAX', xff: 0.5, steps: 1, rows: 6 }, { cf: 'MIN', xff: 0.5, steps: 3, rows: 6 }] });
    await f.update({ time: 1_600_000_010, values: { x: 7 } });
    expect(f.fetch({ cf: 'LAST', start: 1_600_000_000, end: 1_600_000_010 }).columns[0]![0]).toBe(7);
    expect(() => f.fetch({ cf: 'LAST', start: 1_500_000_000, end: 1_600_000_010, resolution: 30 })).not.toThrow();
    const g = await RrdFile.create(fresh(), { step: 10, start: 1_600_000_000, ds: [{ name: 'x', type: 'GAUGE', heartbeat: 30 }], rra: [{ cf: 'MIN', xff: 0.5, steps: 3, rows: 6 }] });
    expect(() => g.fetch({ cf: 'AVERAGE', start: 1_600_000_000, end: 1_600_000_010 })).toThrow(expect.objectContaining({ code: 'PB_ERR_INVALID_ARGUMENT' }));
    await f.close();
    await g.close();
  });
});

describe("rrdtool's number parsing", () => {
  it('rrd_strtod is not correctly rounded, and we match it', () => {
    // digits accumulate, then ÷100 ÷10⁴: two roundings (what made rrdtool read …705026 µs)
    const t = rrdStrtod('1600032458.705027');
    expect(Math.trunc((t - Math.floor(t)) * 1e6)).toBe(705026);
    expect(rrdStrtod('1.5e3')).toBe(1500);
    expect(rrdStrtod('-0.25')).toBe(-0.25);
    expect(rrdStrtod('12abc')).toBeNaN();
  });

  it('rrd_diff: exact digits, NaN across signs', () => {
    expect(rrdDiff('5', '4294967290')).toBe(-4294967285);
    expect(rrdDiff('-5', '-7')).toBe(2);
    expect(rrdDiff('3', '-1')).toBeNaN();
  });
});
