/** Bad definitions, bad updates and foreign/corrupt files: clear errors with codes, nothing overwritten. */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProcblockError } from '../../../src/core/errors.js';
import { importXml, RrdFile, type RrdDefinition } from '../../../src/timeseries/rrd/index.js';

const dir = mkdtempSync(join(tmpdir(), 'pb-rrd-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixture = (name: string): string => new URL(`../../fixtures/rrd/${name}`, import.meta.url).pathname;

const good = (): RrdDefinition => ({
  step: 10,
  start: 1_600_000_000,
  ds: [{ name: 'a', type: 'GAUGE', heartbeat: 20 }],
  rra: [{ cf: 'AVERAGE', xff: 0.5, steps: 1, rows: 10 }],
});

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ProcblockError);
    return (e as ProcblockError).code;
  }
  throw new Error('expected a rejection');
}

let n = 0;
const fresh = (): string => join(dir, `f${++n}.pbrrd`);

describe('bad definitions → PB_ERR_RRD_INVALID, no file written', () => {
  const cases: [string, (d: RrdDefinition) => void][] = [
    ['unknown DS type', (d) => (d.ds[0]!.type = 'DCOUNTER' as never)],
    ['zero step', (d) => (d.step = 0)],
    ['negative step', (d) => (d.step = -10)],
    ['fractional step', (d) => (d.step = 2.5)],
    ['rows 0', (d) => (d.rra[0]!.rows = 0)],
    ['steps 0', (d) => (d.rra[0]!.steps = 0)],
    ['xff 1', (d) => (d.rra[0]!.xff = 1)],
    ['negative xff', (d) => (d.rra[0]!.xff = -0.1)],
    ['unknown CF', (d) => (d.rra[0]!.cf = 'HWPREDICT' as never)],
    ['DS name too long (20 chars)', (d) => (d.ds[0]!.name = 'a'.repeat(20))],
    ['DS name empty', (d) => (d.ds[0]!.name = '')],
    ['DS name with a dash', (d) => (d.ds[0]!.name = 'bad-name')],
    ['DS name with a colon', (d) => (d.ds[0]!.name = 'a:b')],
    ['duplicate DS names', (d) => d.ds.push({ ...d.ds[0]! })],
    ['heartbeat 0', (d) => (d.ds[0]!.heartbeat = 0)],
    ['min ≥ max', (d) => Object.assign(d.ds[0]!, { min: 5, max: 5 })],
    ['no DS', (d) => (d.ds = [])],
    ['no RRA', (d) => (d.rra = [])],
  ];
  for (const [name, mutate] of cases) {
    it(name, async () => {
      const def = good();
      mutate(def);
      const p = fresh();
      expect(await code(RrdFile.create(p, def))).toBe('PB_ERR_RRD_INVALID');
      expect(() => statSync(p)).toThrow();
    });
  }

  it('accepts the longest legal DS name (19 chars of [a-zA-Z0-9_])', async () => {
    const def = good();
    def.ds[0]!.name = 'aZ_09aZ_09aZ_09aZ_0';
    await (await RrdFile.create(fresh(), def)).close();
  });

  it('refuses to overwrite an existing file unless asked, and leaves it intact', async () => {
    const p = fresh();
    writeFileSync(p, 'precious');
    expect(await code(RrdFile.create(p, good()))).toBe('PB_ERR_RRD_INVALID');
    expect(readFileSync(p, 'utf8')).toBe('precious');
    const f = await RrdFile.create(p, good(), { overwrite: true });
    expect(f.lastUpdate()).toBe(1_600_000_000);
    await f.close();
  });
});

describe('bad updates → PB_ERR_RRD_UPDATE, nothing applied', () => {
  it('rejects a time not strictly after the last update (same second, earlier, equal usec)', async () => {
    const f = await RrdFile.create(fresh(), good());
    await f.update({ time: 1_600_000_005.5, values: { a: 1 } });
    for (const t of [1_600_000_005.5, 1_600_000_005.25, 1_600_000_004, 1_599_000_000]) {
      expect(await code(f.update({ time: t, values: { a: 1 } }))).toBe('PB_ERR_RRD_UPDATE');
    }
    expect(f.info().lastUpdateUsec).toBe(500000);
    await f.close();
  });

  it('rejects a whole batch when one sample is out of order, leaving the file unchanged', async () => {
    const p = fresh();
    const f = await RrdFile.create(p, good());
    const before = readFileSync(p);
    const bad = [1, 2, 3, 2].map((k) => ({ time: 1_600_000_000 + k * 10, values: { a: k } }));
    expect(await code(f.update(bad))).toBe('PB_ERR_RRD_UPDATE');
    expect(f.lastUpdate()).toBe(1_600_000_000);
    expect(readFileSync(p).equals(before)).toBe(true);
    await f.close();
  });

  it('rejects non-integer counters, negative COUNTER values, unknown DS names and non-numbers', async () => {
    const def = good();
    def.ds = [
      { name: 'c', type: 'COUNTER', heartbeat: 20 },
      { name: 'd', type: 'DERIVE', heartbeat: 20 },
      { name: 'g', type: 'GAUGE', heartbeat: 20 },
    ];
    const f = await RrdFile.create(fresh(), def);
    const t = 1_600_000_001;
    expect(await code(f.update({ time: t, values: { c: 1.5 } }))).toBe('PB_ERR_RRD_UPDATE');
    expect(await code(f.update({ time: t, values: { c: -1 } }))).toBe('PB_ERR_RRD_UPDATE');
    expect(await code(f.update({ time: t, values: { d: 2.5 } }))).toBe('PB_ERR_RRD_UPDATE');
    expect(await code(f.update({ time: t, values: { g: '12abc' } }))).toBe('PB_ERR_RRD_UPDATE');
    expect(await code(f.update({ time: t, values: { g: Infinity } }))).toBe('PB_ERR_RRD_UPDATE');
    expect(await code(f.update({ time: t, values: { nope: 1 } }))).toBe('PB_ERR_RRD_UPDATE');
    expect(await code(f.update({ time: Number.NaN, values: {} }))).toBe('PB_ERR_RRD_UPDATE');
    await f.update({ time: t, values: { c: 10n, d: -5, g: '1.5e3' } });
    expect(f.info().ds.map((d) => d.lastDs)).toEqual(['10', '-5', '1500']);
    await f.close();
  });

  it('fails with PB_ERR_CLOSED after close()', async () => {
    const f = await RrdFile.create(fresh(), good());
    await f.close();
    await f.close();
    expect(await code(f.update({ time: 1_600_000_001, values: {} }))).toBe('PB_ERR_CLOSED');
  });
});

describe('foreign, corrupt and truncated files → PB_ERR_RRD_FORMAT, file untouched', () => {
  async function expectFormatError(p: string): Promise<void> {
    const before = readFileSync(p);
    expect(await code(RrdFile.open(p))).toBe('PB_ERR_RRD_FORMAT');
    expect(readFileSync(p).equals(before)).toBe(true);
  }

  it('a real rrdtool .rrd file', async () => {
    const p = fresh();
    copyFileSync(fixture('rrdtool-made.rrd'), p);
    await expectFormatError(p);
  });

  it('a PNG image', async () => {
    const p = fresh();
    copyFileSync(fixture('tiny.png'), p);
    await expectFormatError(p);
  });

  it('an empty file', async () => {
    const p = fresh();
    writeFileSync(p, '');
    await expectFormatError(p);
  });

  it('a file truncated at many lengths', async () => {
    const p = fresh();
    await (await RrdFile.create(p, good())).close(); // no journal yet: the file ends with the rows
    const full = readFileSync(p);
    for (const len of [4, 20, 60, 100, 200, full.length - 8, full.length - 1]) {
      writeFileSync(p, full);
      truncateSync(p, len);
      await expectFormatError(p);
    }
  });

  it('a torn journal after the update completed is ignored (the file still opens, all samples held)', async () => {
    const p = fresh();
    const f = await RrdFile.create(p, good());
    await f.update([1, 2, 3].map((k) => ({ time: 1_600_000_000 + k * 10, values: { a: k } })));
    await f.close();
    truncateSync(p, statSync(p).size - 8);
    const g = await RrdFile.open(p);
    expect(g.lastUpdate()).toBe(1_600_000_030);
    expect(Array.from(g.fetch({ cf: 'AVERAGE', start: 1_600_000_000, end: 1_600_000_020 }).columns[0]!)).toEqual([1, 2, 3]);
    await g.close();
  });

  it('a corrupted header byte (checksum) and both state slots corrupted', async () => {
    const p = fresh();
    await (await RrdFile.create(p, good())).close();
    const full = readFileSync(p);
    const h = Buffer.from(full);
    h[40] = h[40]! ^ 0xff;
    writeFileSync(p, h);
    await expectFormatError(p);
    const s = Buffer.from(full);
    const headerLen = s.readUInt32LE(12);
    const slotLen = (s.length - headerLen - 10 * 8) / 2;
    s[headerLen + 20] = s[headerLen + 20]! ^ 0xff;
    s[headerLen + slotLen + 20] = s[headerLen + slotLen + 20]! ^ 0xff;
    writeFileSync(p, s);
    await expectFormatError(p);
  });

  it('XML that is not an rrdtool dump, or uses unsupported types', async () => {
    expect(await code(importXml('<nope/>', fresh()))).toBe('PB_ERR_RRD_FORMAT');
    expect(await code(importXml('<rrd><step>10</step', fresh()))).toBe('PB_ERR_RRD_FORMAT');
    const hw = `<rrd><version>0003</version><step>10</step><lastupdate>1600000000</lastupdate>
      <ds><name>a</name><type>DCOUNTER</type><minimal_heartbeat>20</minimal_heartbeat><min>NaN</min><max>NaN</max>
      <last_ds>U</last_ds><value>NaN</value><unknown_sec>0</unknown_sec></ds></rrd>`;
    expect(await code(importXml(hw, fresh()))).toBe('PB_ERR_RRD_FORMAT');
  });

  it('a missing file', async () => {
    expect(await code(RrdFile.open(join(dir, 'missing.pbrrd')))).toBe('PB_ERR_FILE_NOT_FOUND');
  });
});
