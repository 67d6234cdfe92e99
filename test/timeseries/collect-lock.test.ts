/**
 * Two runtimes collecting into one file: the second fails at start (exit 2, PB_ERR_RRD_LOCKED,
 * naming the file and the first one's pid); after the first is killed with SIGKILL (its lock left
 * behind), a new writer takes the file over.
 */
import { existsSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { createCollector } from '../../src/timeseries/collect.js';
import { RrdFile } from '../../src/timeseries/rrd/index.js';
import { runCli, startCli, tempDir, type RunningCli } from '../helpers/cli.js';
import { FakeClock } from '../helpers/fake-clock.js';

const { dir, cleanup } = tempDir('pb-collect-lock-');
const running: RunningCli[] = [];
afterAll(async () => {
  for (const c of running) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  await Promise.all(running.map((c) => c.done));
  cleanup();
});

writeFileSync(
  join(dir, 'collect.yaml'),
  `run:
  - script: value.mjs
    cache: 1
    thread_id: value
    timeseries collect:
      path: shared.rrd
      interval: 1
      fields:
        x:
          type: GAUGE
__usage:
  name: collect-lock
  longrunning: true
`,
);
writeFileSync(join(dir, 'value.mjs'), 'export function processBlock() { return { x: 42 }; }\n');
const rrd = join(dir, 'shared.rrd');

function start(stateDir: string): RunningCli {
  const c = startCli(['--state-dir', join(dir, stateDir), 'collect.yaml'], { cwd: dir });
  running.push(c);
  return c;
}

const T0 = Date.UTC(2026, 0, 1);

describe('one writer per time-series file, in one process', () => {
  const make = (config: unknown) => createCollector(config, { baseDir: dir, keyPath: 'run[0]["timeseries collect"]', logger: silentLogger, clock: new FakeClock(T0) });

  it('a second collector of a fixed path fails at creation (at its first sample when the folder is still missing); of a key: path at its first sample, until the first closes', async () => {
    const first = make({ path: 'fixed.rrd', interval: 1, fields: { x: { type: 'GAUGE' } } });
    expect(() => make({ path: 'fixed.rrd', interval: 1, fields: { x: { type: 'GAUGE' } } })).toThrow(
      expect.objectContaining({ code: 'PB_ERR_RRD_LOCKED', location: { file: join(dir, 'fixed.rrd') } }),
    );
    await first.close();
    await make({ path: 'fixed.rrd', interval: 1, fields: { x: { type: 'GAUGE' } } }).close();

    // a folder that does not exist yet is made, and locked in, at the first sample
    const later = { path: 'not-yet/f.rrd', interval: 1, fields: { x: { type: 'GAUGE' } } };
    const c1 = make(later);
    const c2 = make(later);
    expect(existsSync(join(dir, 'not-yet'))).toBe(false);
    await c1.record({ x: 1 }, T0);
    await expect(c2.record({ x: 2 }, T0 + 1000)).rejects.toMatchObject({ code: 'PB_ERR_RRD_LOCKED' });
    await c1.close();
    await c2.close();

    const config = { path: 'per-%(key)s.rrd', key: 'disks', interval: 1, fields: { x: { type: 'GAUGE' } } };
    const a = make(config);
    const b = make(config);
    await a.record({ disks: { sda: { x: 1 } } }, T0);
    await expect(b.record({ disks: { sda: { x: 2 } } }, T0 + 1000)).rejects.toMatchObject({ code: 'PB_ERR_RRD_LOCKED' });
    await b.record({ disks: { sdb: { x: 2 } } }, T0 + 1000); // another file: fine
    await a.close();
    await b.record({ disks: { sda: { x: 3 } } }, T0 + 2000); // retried at each sample
    await b.close();
    const f = await RrdFile.open(join(dir, 'per-sda.rrd'));
    expect(f.lastUpdate()).toBe(T0 / 1000 + 2);
    await f.close();
  });
});

describe('one writer per time-series file, across processes', () => {
  it('a second runtime exits 2 naming the file and the holder; after kill -9 of the holder a new one writes', async () => {
    const first = start('state-1');
    await first.waitFor(/"x": 42/, 'stdout'); // first result: the lock is held and a sample written
    const pid = first.child.pid!;

    const second = await runCli(['--state-dir', join(dir, 'state-2'), 'collect.yaml'], { cwd: dir });
    expect(second.code).toBe(2);
    expect(second.stderr).toContain('PB_ERR_RRD_LOCKED');
    expect(second.stderr).toContain(rrd);
    expect(second.stderr).toContain(`process ${pid}`);
    expect(second.stdout).not.toContain('"x"'); // refused before its first tick

    first.child.kill('SIGKILL');
    await first.done;
    expect(readlinkSync(`${rrd}.lock`)).toContain(` ${pid} `); // left behind by the kill
    // Seconds and microseconds: the new writer may start within the second of the last sample.
    const updatedAt = (f: RrdFile): number => f.info().lastUpdate + f.info().lastUpdateUsec / 1e6;
    const before = await RrdFile.open(rrd);
    const lastBefore = updatedAt(before);
    await before.close();

    const third = start('state-3');
    await third.waitFor(/"x": 42/, 'stdout');
    await third.waitFor(/sample\(s\) written|Long-running block/);
    third.child.kill('SIGTERM');
    const end = await third.done;
    expect(end.code).toBe(0);
    expect(end.stderr).toMatch(/shared\.rrd: [1-9]\d* sample\(s\) written/);
    const after = await RrdFile.open(rrd);
    expect(updatedAt(after)).toBeGreaterThan(lastBefore);
    await after.close();
    expect(() => readlinkSync(`${rrd}.lock`)).toThrow(); // released at a clean stop
  });
});
