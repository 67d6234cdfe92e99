/**
 * Done-when for blocks/: each collector's values against the same figures read independently
 * (system-readings.ts), and counters collected as rates through the RRD.
 *
 * How values that move are compared: the independent figure is read just BEFORE and just AFTER
 * the collector's tick (the test drives ticks on a FakeClock). A counter only grows, so the
 * collector's value must lie between the two readings exactly, and the rate the RRD stores for
 * the step between two ticks (step = 1 s of the fake clock) must lie between
 * (before₁ − after₀)/step and (after₁ − before₀)/step — no tolerance at all. Gauges that can
 * move either way get a slack on top of that bracket, stated and justified where it is used.
 * Every collector runs in a real runtime: real loader, engine, RunThreads, worker threads, RRD
 * files.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requireSystemTool } from '../helpers/system-tool.js';
import { CollectorRun, STEP, type Sample } from './harness.js';
import { burnCpu, df, diskOf, free, loadavg, onlineCpus, ownCpuTicks, procStatCpu, sysBlockStats, sysNetStats } from './system-readings.js';

const CPU_STATES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'];
const haveTools = requireSystemTool('free', ['--version'], 'the memory collector comparison with free') && requireSystemTool('df', ['--version'], 'the disk space comparison with df');

let run: CollectorRun | undefined;
afterEach(async () => {
  await run?.close();
  run = undefined;
});

/** lo ≤ v ≤ hi, with the three numbers in the failure message. */
function expectBetween(v: unknown, lo: number, hi: number, what: string): void {
  expect(typeof v, what).toBe('number');
  expect(v as number, `${what}: ${String(v)} not in [${lo}, ${hi}]`).toBeGreaterThanOrEqual(lo);
  expect(v as number, `${what}: ${String(v)} not in [${lo}, ${hi}]`).toBeLessThanOrEqual(hi);
}

/** The RRD's rates are exactly (value at tick 1 − value at tick 0) / step, for each DERIVE field. */
function expectRates(row: Record<string, number>, s0: Sample, s1: Sample, fields: readonly string[]): void {
  for (const f of fields) {
    const rate = ((s1.values[f] as number) - (s0.values[f] as number)) / STEP;
    expect(row[f], `rate of ${f} in ${s1.file}`).toBeCloseTo(rate, 6);
  }
}

/** Bracket of a counter's rate over one step, from readings before/after the two ticks. */
function rateBracket(b0: number, a0: number, b1: number, a1: number): [number, number] {
  return [(b1 - a0) / STEP, (a1 - b0) / STEP];
}

describe('cpu (blocks/cpu.yaml)', () => {
  it('collects the tick counters as DERIVE: values bracketed by /proc/stat, the RRD holds their rate', async () => {
    const b0 = procStatCpu();
    run = await CollectorRun.start('cpu');
    const a0 = procStatCpu();
    for (const s of CPU_STATES) expectBetween(run.first[`cpu_${s}`], b0[s] as number, a0[s] as number, `cpu_${s}`);
    expect(run.first.cpu_count).toBe(onlineCpus());

    // A known amount of CPU work between the ticks: 40 ticks (0.4 s) of this process's time.
    const own0 = ownCpuTicks();
    burnCpu(40);
    const ownDelta = ownCpuTicks() - own0;
    const b1 = procStatCpu();
    const t1 = await run.tick();
    const a1 = procStatCpu();
    await run.stop();

    const rates = await run.row('cpu.rrd', t1);
    for (const s of CPU_STATES) expectBetween(rates[`cpu_${s}`], ...rateBracket(b0[s] as number, a0[s] as number, b1[s] as number, a1[s] as number), `rate of cpu_${s}`);
    // The work this process did is in the busy states' rates. The kernel samples per-CPU time on
    // its tick but accounts a task's time precisely, so allow 25 % for the difference.
    const busy = ['user', 'nice', 'system', 'irq', 'softirq'].reduce((sum, s) => sum + (rates[`cpu_${s}`] as number), 0);
    expect(busy).toBeGreaterThanOrEqual((0.75 * ownDelta) / STEP);
    // Exactly the delta of the two values the collector gave, per second: a rate, not a total.
    expectRates(rates, run.sample('cpu.rrd', t1 - STEP), run.sample('cpu.rrd', t1), CPU_STATES.map((s) => `cpu_${s}`));
    expect(rates.cpu_count).toBe(onlineCpus());
  });

  it('--percent: shares of all CPU time since the previous tick, 0–100, adding up to 100', async () => {
    const b0 = procStatCpu();
    run = await CollectorRun.start('cpu', { percent: true });
    const a0 = procStatCpu();
    // No previous reading on the first tick: unknown, not a guess.
    for (const s of CPU_STATES) expect(run.first[`cpu_${s}`], s).toBeNull();

    burnCpu(40); // enough time between the ticks for the bracket below to be narrow
    const b1 = procStatCpu();
    const t1 = await run.tick();
    const a1 = procStatCpu();
    await run.stop();

    const values = run.sample('cpu_percent.rrd', t1).values;
    const sum = CPU_STATES.reduce((acc, s) => acc + (values[`cpu_${s}`] as number), 0);
    expect(Math.abs(sum - 100)).toBeLessThan(0.01); // eight values rounded to 3 decimals
    const total = (r: Record<string, number>): number => CPU_STATES.reduce((acc, s) => acc + (r[s] as number), 0);
    const [loTotal, hiTotal] = rateBracket(total(b0), total(a0), total(b1), total(a1));
    expect(loTotal).toBeGreaterThan(0);
    for (const s of CPU_STATES) {
      const [lo, hi] = rateBracket(b0[s] as number, a0[s] as number, b1[s] as number, a1[s] as number);
      // share = state delta / total delta, each bracketed; 0.001 for the rounding to 3 decimals.
      expectBetween(values[`cpu_${s}`], (100 * Math.max(0, lo)) / hiTotal - 0.001, Math.min(100, (100 * hi) / loTotal) + 0.001, `cpu_${s} %`);
    }
    // GAUGE: the RRD row for the step holds the tick's value as it was written.
    const row = await run.row('cpu_percent.rrd', t1);
    for (const s of CPU_STATES) expect(row[`cpu_${s}`]).toBeCloseTo(values[`cpu_${s}`] as number, 9);
  });
});

describe('load (blocks/load.yaml)', () => {
  it('reports /proc/loadavg as read just before or just after the tick', async () => {
    run = await CollectorRun.start('load');
    const before = loadavg();
    const t1 = await run.tick();
    const after = loadavg();
    await run.stop();
    const v = run.sample('load.rrd', t1).values;
    // The kernel updates load averages every 5 s: the tick saw one of the two readings, exactly.
    ['load_1', 'load_5', 'load_15'].forEach((f, i) => expect([before[i], after[i]], f).toContain(v[f]));
    // Thread counts change whenever any process on the machine starts a thread; between the two
    // readings (milliseconds apart) a few hundred at most. A wrong column (the last PID) or a
    // parse slip is far outside.
    expectBetween(v.load_tasks, Math.min(before[4] as number, after[4] as number) - 300, Math.max(before[4] as number, after[4] as number) + 300, 'load_tasks');
    expectBetween(v.load_running, 1, v.load_tasks as number, 'load_running');
    const row = await run.row('load.rrd', t1);
    for (const f of ['load_1', 'load_5', 'load_15', 'load_running', 'load_tasks']) expect(row[f], f).toBeCloseTo(v[f] as number, 9);
  });
});

describe.runIf(haveTools)('memory (blocks/memory.yaml)', () => {
  it("matches free -b: totals exactly, the rest within the readings around the tick ± 1 % of memory", async () => {
    run = await CollectorRun.start('memory');
    const before = free();
    const t1 = await run.tick();
    const after = free();
    await run.stop();
    const v = run.sample('memory.rrd', t1).values;
    expect(v.mem_total).toBe(before.mem.total);
    expect(v.swap_total).toBe(before.swap.total);
    // Memory moves both ways between the readings (every process on the machine allocates and
    // frees); 1 % of total absorbs that, while a unit slip (kB for bytes: ×1024) or a wrong
    // column (free for available, used with or without cache) is far outside on any machine.
    const slack = 0.01 * (before.mem.total as number);
    const near = (value: unknown, a: number, b: number, what: string): void => expectBetween(value, Math.min(a, b) - slack, Math.max(a, b) + slack, what);
    const m = (r: { mem: Record<string, number> }, k: string): number => r.mem[k] as number;
    near(v.mem_used, m(before, 'used'), m(after, 'used'), 'mem_used vs used');
    near(v.mem_free, m(before, 'free'), m(after, 'free'), 'mem_free vs free');
    near(v.mem_available, m(before, 'available'), m(after, 'available'), 'mem_available vs available');
    near(v.mem_shared, m(before, 'shared'), m(after, 'shared'), 'mem_shared vs shared');
    near(v.mem_buffers, m(before, 'buffers'), m(after, 'buffers'), 'mem_buffers vs buffers');
    near(v.mem_cached, m(before, 'cache'), m(after, 'cache'), 'mem_cached vs cache');
    near(v.swap_used, before.swap.used as number, after.swap.used as number, 'swap_used');
    near(v.swap_free, before.swap.free as number, after.swap.free as number, 'swap_free');
    const row = await run.row('memory.rrd', t1);
    expect(row.mem_total).toBe(v.mem_total);
    expect(row.mem_used).toBe(v.mem_used);
  });
});

describe.runIf(haveTools)('disk_space (blocks/disk_space.yaml)', () => {
  it('lists the file systems df lists, with the same sizes; used/available within the readings ± 64 MiB', async () => {
    run = await CollectorRun.start('disk_space');
    const before = df();
    const t1 = await run.tick();
    const after = df();
    await run.stop();
    const entries = run.first.disk_space as Record<string, { mount: string }>;
    expect(Object.values(entries).map((e) => e.mount).sort()).toEqual([...before.keys()].sort());
    // Other programs write to these disks while the test runs; 64 MiB between two df calls
    // milliseconds apart is generous, and still far below the errors this catches (block size
    // slips, free vs available blocks: reserved space is GBs on any real disk).
    const slack = 64 * 1024 * 1024;
    for (const [key, entry] of Object.entries(entries)) {
      const file = `disk_space-${key}.rrd`;
      const v = run.sample(file, t1).values;
      const b = before.get(entry.mount) as NonNullable<ReturnType<typeof before.get>>;
      const a = after.get(entry.mount) as typeof b;
      expect(v.size, `${entry.mount} size`).toBe(b.size);
      expect(v.inodes, `${entry.mount} inodes`).toBe(b.itotal);
      expectBetween(v.used, Math.min(b.used, a.used) - slack, Math.max(b.used, a.used) + slack, `${entry.mount} used`);
      expectBetween(v.available, Math.min(b.avail, a.avail) - slack, Math.max(b.avail, a.avail) + slack, `${entry.mount} available`);
      if (!Number.isNaN(b.pcent)) expectBetween(v.used_pct, Math.min(b.pcent, a.pcent) - 1, Math.max(b.pcent, a.pcent) + 1, `${entry.mount} used_pct`);
      expectBetween(v.inodes_used, Math.min(b.iused, a.iused) - 10_000, Math.max(b.iused, a.iused) + 10_000, `${entry.mount} inodes_used`);
      // One file per mount, with its own graph.
      expect(existsSync(path.join(run.dir, `disk_space-${key}.png`)), key).toBe(true);
      expect((await run.row(file, t1)).size).toBe(v.size);
    }
  });
});

describe('disk_io (blocks/disk_io.yaml)', () => {
  it('matches /sys/block/<dev>/stat; a known write shows in the write_bytes rate the RRD stores', async () => {
    const scratch = path.join(process.cwd(), 'node_modules', '.cache', `pb-disk-io-${process.pid}`);
    mkdirSync(scratch, { recursive: true });
    try {
      const disk = diskOf(scratch);
      const b0 = sysBlockStats();
      run = await CollectorRun.start('disk_io');
      const a0 = sysBlockStats();
      const devices = run.first.disk_io as Record<string, Record<string, number>>;
      // The default leaves out loop, ram and zram devices (partitions are not in /sys/block).
      expect(Object.keys(devices).sort()).toEqual([...b0.keys()].filter((d) => !/^(loop|ram|zram|fd)\d+$/.test(d)).sort());
      expect(Object.keys(devices).length).toBeGreaterThan(0);
      for (const [dev, io] of Object.entries(devices)) {
        for (const f of ['reads', 'writes', 'read_bytes', 'write_bytes', 'busy_ms']) {
          expectBetween(io[f], b0.get(dev)?.[f] as number, a0.get(dev)?.[f] as number, `${dev} ${f}`);
        }
      }

      // 8 MiB written and flushed to the disk under this folder, between the ticks.
      const bytes = 8 * 1024 * 1024;
      if (disk !== undefined) {
        const file = path.join(scratch, 'blob');
        writeFileSync(file, Buffer.alloc(bytes, 7));
        const fd = openSync(file, 'r+');
        fsyncSync(fd);
        closeSync(fd);
      }
      const b1 = sysBlockStats();
      const t1 = await run.tick();
      const a1 = sysBlockStats();
      await run.stop();

      for (const dev of Object.keys(devices)) {
        const row = await run.row(`disk_io-${dev}.rrd`, t1);
        for (const f of ['reads', 'writes', 'read_bytes', 'write_bytes', 'busy_ms']) {
          const at = (m: Map<string, Record<string, number>>): number => m.get(dev)?.[f] as number;
          expectBetween(row[f], ...rateBracket(at(b0), at(a0), at(b1), at(a1)), `${dev} rate of ${f}`);
        }
        const file = `disk_io-${dev}.rrd`;
        expectRates(row, run.sample(file, t1 - STEP), run.sample(file, t1), ['reads', 'writes', 'read_bytes', 'write_bytes', 'busy_ms']);
      }
      // On a machine whose scratch folder is on a block device (tmpfs/overlay-only machines have
      // none), that device's write rate includes the 8 MiB.
      if (disk !== undefined) expect((await run.row(`disk_io-${disk}.rrd`, t1)).write_bytes).toBeGreaterThanOrEqual(bytes / STEP);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe('network (blocks/network.yaml)', () => {
  it('matches /sys/class/net/<if>/statistics; 1 MiB sent over loopback shows in the lo rates the RRD stores', async () => {
    const b0 = sysNetStats();
    run = await CollectorRun.start('network');
    const a0 = sysNetStats();
    const ifs = run.first.network as Record<string, Record<string, number>>;
    expect(Object.keys(ifs).sort()).toEqual([...b0.keys()].sort());
    const FIELDS = ['rx_bytes', 'rx_packets', 'rx_errors', 'rx_drops', 'tx_bytes', 'tx_packets', 'tx_errors', 'tx_drops'];
    for (const [ifname, io] of Object.entries(ifs)) {
      for (const f of FIELDS) expectBetween(io[f], b0.get(ifname)?.[f] as number, a0.get(ifname)?.[f] as number, `${ifname} ${f}`);
    }

    const sent = 1024 * 1024;
    await sendOverLoopback(sent);
    const b1 = sysNetStats();
    const t1 = await run.tick();
    const a1 = sysNetStats();
    await run.stop();

    for (const ifname of Object.keys(ifs)) {
      const row = await run.row(`network-${ifname}.rrd`, t1);
      for (const f of FIELDS) {
        const at = (m: Map<string, Record<string, number>>): number => m.get(ifname)?.[f] as number;
        expectBetween(row[f], ...rateBracket(at(b0), at(a0), at(b1), at(a1)), `${ifname} rate of ${f}`);
      }
      const file = `network-${ifname}.rrd`;
      expectRates(row, run.sample(file, t1 - STEP), run.sample(file, t1), FIELDS);
    }
    const lo = await run.row('network-lo.rrd', t1);
    expect(lo.rx_bytes).toBeGreaterThanOrEqual(sent / STEP);
    expect(lo.tx_bytes).toBeGreaterThanOrEqual(sent / STEP);
  });
});

describe('per-device files and exact rates (a procfs the test writes)', () => {
  // The collectors read /proc under the `procfs` parameter; here a folder whose files the test
  // writes, so the deltas between the ticks are known exactly and devices come and go on cue.
  const netdev = (rows: Record<string, [number, number]>): string =>
    [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      ...Object.entries(rows).map(([name, [rx, tx]]) => `${name.padStart(6)}: ${rx} 10 0 0 0 0 0 0 ${tx} 20 0 0 0 0 0 0`),
    ].join('\n');
  const diskstats = (rows: Record<string, [number, number]>): string =>
    Object.entries(rows)
      .map(([name, [readSectors, writeSectors]], i) => `   8 ${i} ${name} 5 0 ${readSectors} 0 6 0 ${writeSectors} 0 0 100 0`)
      .join('\n');

  it('network: an interface that appears gets its file at that tick; rates are the known deltas per second', async () => {
    const procfs = mkdtempSync(path.join(os.tmpdir(), 'pb-procfs-'));
    try {
      mkdirSync(path.join(procfs, 'net'));
      writeFileSync(path.join(procfs, 'net/dev'), netdev({ lo: [100, 100], eth0: [5_000, 7_000] }));
      run = await CollectorRun.start('network', { procfs, net_exclude: '^lo$' });
      expect(Object.keys(run.first.network as object)).toEqual(['eth0']);
      expect(existsSync(path.join(run.dir, 'network-wlan0.rrd'))).toBe(false);

      writeFileSync(path.join(procfs, 'net/dev'), netdev({ lo: [200, 200], eth0: [6_500, 7_250], wlan0: [42, 43] }));
      const t1 = await run.tick(['network-eth0.rrd', 'network-wlan0.rrd']);
      await run.stop();
      expect(existsSync(path.join(run.dir, 'network-lo.rrd'))).toBe(false);
      expect(await run.row('network-eth0.rrd', t1)).toMatchObject({ rx_bytes: 1_500, tx_bytes: 250, rx_packets: 0 });
      // The new interface's first sample only starts its counters: no rate yet, not a spike.
      const wlan = await run.row('network-wlan0.rrd', t1);
      expect(Number.isNaN(wlan.rx_bytes)).toBe(true);
      expect(run.sample('network-wlan0.rrd', t1).values).toMatchObject({ rx_bytes: 42, tx_bytes: 43 });
    } finally {
      rmSync(procfs, { recursive: true, force: true });
    }
  });

  it('disk_io: a device that appears gets its file; partitions stay out; a counter reset is unknown, not a spike', async () => {
    const procfs = mkdtempSync(path.join(os.tmpdir(), 'pb-procfs-'));
    try {
      writeFileSync(path.join(procfs, 'diskstats'), diskstats({ loop0: [0, 0], sda: [1_000, 2_000], sda1: [1_000, 2_000] }));
      run = await CollectorRun.start('disk_io', { procfs });
      expect(Object.keys(run.first.disk_io as object)).toEqual(['sda']);

      writeFileSync(path.join(procfs, 'diskstats'), diskstats({ sda: [1_010, 2_100], sdb: [4, 8] }));
      const t1 = await run.tick(['disk_io-sda.rrd', 'disk_io-sdb.rrd']);
      // sda's counters go back (the device was removed and re-added): DERIVE with min 0 records unknown.
      writeFileSync(path.join(procfs, 'diskstats'), diskstats({ sda: [3, 5], sdb: [4, 8 + 2_048] }));
      const t2 = await run.tick(['disk_io-sda.rrd', 'disk_io-sdb.rrd']);
      await run.stop();

      expect(await run.row('disk_io-sda.rrd', t1)).toMatchObject({ read_bytes: 10 * 512, write_bytes: 100 * 512, reads: 0, busy_ms: 0 });
      expect(Number.isNaN((await run.row('disk_io-sda.rrd', t2)).write_bytes)).toBe(true);
      expect((await run.row('disk_io-sdb.rrd', t2)).write_bytes).toBe(2_048 * 512);
      expect(existsSync(path.join(run.dir, 'disk_io-sda1.rrd'))).toBe(false);
    } finally {
      rmSync(procfs, { recursive: true, force: true });
    }
  });
});

/** Send `bytes` from a client to a server on 127.0.0.1 and wait until the server has them all. */
function sendOverLoopback(bytes: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let received = 0;
    const server = net.createServer((sock) => {
      sock.on('data', (d) => {
        received += d.length;
        if (received >= bytes) {
          sock.destroy();
          server.close(() => resolve());
        }
      });
    });
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      const client = net.connect(port, '127.0.0.1', () => client.end(Buffer.alloc(bytes, 1)));
      client.on('error', () => undefined);
    });
  });
}
