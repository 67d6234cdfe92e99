/** One writer per file: `<file>.lock` (file-lock.ts) and how RrdFile uses it. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockRrdFile, RrdFile, type RrdDefinition } from '../../../src/timeseries/rrd/index.js';

const dir = mkdtempSync(join(tmpdir(), 'pb-rrd-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(dir, `f${++n}.pbrrd`);
const def: RrdDefinition = { step: 10, start: 1_600_000_000, ds: [{ name: 'x', type: 'GAUGE', heartbeat: 30 }], rra: [{ cf: 'AVERAGE', xff: 0.5, steps: 1, rows: 6 }] };

/** The text of a lock as this process writes it, with `pid`, `host` and `start` replaced. */
function lockText(file: string, change: { pid?: number; host?: string; start?: string }): string {
  const lock = lockRrdFile(file);
  const [tag, pid, host, start] = readlinkSync(lock.lockPath).split(' ');
  lock.release();
  return [tag, change.pid ?? pid, change.host ?? host, change.start ?? start].join(' ');
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('lockRrdFile', () => {
  it('is exclusive: a second lock fails PB_ERR_RRD_LOCKED naming the file and the holder pid, until released', () => {
    const f = fresh();
    const lock = lockRrdFile(f);
    expect(readlinkSync(`${f}.lock`)).toContain(` ${process.pid} `);
    let err: unknown;
    try {
      lockRrdFile(f);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'PB_ERR_RRD_LOCKED', exitCode: 2, location: { file: f } });
    expect((err as Error).message).toContain(String(process.pid));
    lock.release();
    lock.release(); // idempotent
    expect(lock.held).toBe(false);
    expect(() => readlinkSync(`${f}.lock`)).toThrow();
    lockRrdFile(f).release();
  });

  it('takes over the lock of a process that is gone', () => {
    const f = fresh();
    symlinkSync(lockText(f, { pid: deadPid() }), `${f}.lock`);
    const lock = lockRrdFile(f);
    expect(readlinkSync(`${f}.lock`)).toContain(` ${process.pid} `);
    lock.release();
  });

  it.runIf(existsSync('/proc/self/stat'))('takes over when the pid is alive but is another process (its start time differs)', () => {
    const f = fresh();
    const [boot] = lockText(f, {}).split(' ')[3]!.split('/');
    symlinkSync(lockText(f, { pid: process.ppid, start: `${boot}/1` }), `${f}.lock`);
    const lock = lockRrdFile(f);
    expect(readlinkSync(`${f}.lock`)).toContain(` ${process.pid} `);
    lock.release();
  });

  it('counts a lock from another host, or one it cannot read, as held', () => {
    const f = fresh();
    symlinkSync(lockText(f, { host: `not-${hostname()}` }), `${f}.lock`);
    expect(() => lockRrdFile(f)).toThrow(expect.objectContaining({ code: 'PB_ERR_RRD_LOCKED', message: expect.stringContaining(`not-${hostname()}`) }));
    const g = fresh();
    writeFileSync(`${g}.lock`, 'something else');
    expect(() => lockRrdFile(g)).toThrow(expect.objectContaining({ code: 'PB_ERR_RRD_LOCKED' }));
  });
});

describe('RrdFile and the writer lock', () => {
  it('create and the first update hold the lock until close; readers are unaffected', async () => {
    const f = fresh();
    const w = await RrdFile.create(f, def);
    expect(() => lockRrdFile(f)).toThrow(expect.objectContaining({ code: 'PB_ERR_RRD_LOCKED' }));
    await w.update({ time: 1_600_000_010, values: { x: 1 } });
    const other = await RrdFile.open(f);
    expect(other.lastUpdate()).toBe(1_600_000_010);
    expect(Array.from(other.fetch({ cf: 'AVERAGE', start: 1_600_000_000, end: 1_600_000_000 }).columns[0]!)).toEqual([1]);
    const bytes = readFileSync(f);
    await expect(other.update({ time: 1_600_000_020, values: { x: 2 } })).rejects.toMatchObject({ code: 'PB_ERR_RRD_LOCKED' });
    expect(readFileSync(f).equals(bytes)).toBe(true);
    await expect(RrdFile.create(f, def, { overwrite: true })).rejects.toMatchObject({ code: 'PB_ERR_RRD_LOCKED' });
    await expect(RrdFile.open(f, { lock: true })).rejects.toMatchObject({ code: 'PB_ERR_RRD_LOCKED' });
    await w.close();
    // the reader may write now: its first update takes the lock and sees the writer's last state
    await other.update({ time: 1_600_000_020, values: { x: 2 } });
    await other.close();
    expect(() => readlinkSync(`${f}.lock`)).toThrow();
  });

  it('a lock handed in is used for writing and stays the caller’s', async () => {
    const f = fresh();
    await (await RrdFile.create(f, def)).close();
    const lock = lockRrdFile(f);
    for (let k = 1; k <= 3; k++) {
      const h = await RrdFile.open(f, { lock });
      await h.update({ time: 1_600_000_000 + 10 * k, values: { x: k } });
      await h.close();
      expect(lock.held).toBe(true);
    }
    await expect(RrdFile.open(fresh(), { lock })).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
    lock.release();
    const r = await RrdFile.open(f);
    expect(r.lastUpdate()).toBe(1_600_000_030);
    await r.close();
  });
});
