/**
 * The collectors' pure parts (blocks/lib): /proc formats as current and older kernels print
 * them, df's choice of mounts, names, parameters. The collectors against the live system are in
 * collectors.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { CollectorError } from '../../blocks/lib/collector-error.js';
import { cpuPercentages, parseCpuTimes } from '../../blocks/lib/cpu-times.js';
import { DEFAULT_DISK_EXCLUDE, parseDiskstats } from '../../blocks/lib/diskstats.js';
import { parseLoadavg } from '../../blocks/lib/loadavg.js';
import { memoryFields, parseMeminfo } from '../../blocks/lib/meminfo.js';
import { mountKeys, parseMountinfo, selectMounts } from '../../blocks/lib/mounts.js';
import { parseNetDev } from '../../blocks/lib/netdev.js';
import { flagParam, patternParam } from '../../blocks/lib/params.js';
import { requireLinux } from '../../blocks/lib/procfs.js';
import { evaluateCondition, parseCondition } from '../../src/language/conditions/index.js';

describe('/proc/stat', () => {
  const stat = [
    'cpu  62724 10 18359 77770 464 1 253 507 12 0',
    'cpu0 30682 5 8718 40282 66 0 51 251 6 0',
    'cpu1 32041 5 9640 37487 398 1 202 256 6 0',
    'intr 1 2 3',
    'ctxt 123',
  ].join('\n');

  it('reads the eight states of the cpu line and counts the CPUs', () => {
    expect(parseCpuTimes(stat)).toEqual({
      ticks: { user: 62724, nice: 10, system: 18359, idle: 77770, iowait: 464, irq: 1, softirq: 253, steal: 507 },
      cpus: 2,
    });
  });

  it('gives null for states an older kernel does not print (2.6.9: no steal)', () => {
    expect(parseCpuTimes('cpu  1 2 3 4 5 6 7\ncpu0 1 2 3 4 5 6 7\n').ticks.steal).toBeNull();
  });

  it('percentages are each state’s share of the time that passed, null when none passed', () => {
    const a = parseCpuTimes('cpu  100 0 50 800 10 0 0 0\ncpu0 0\n');
    const b = parseCpuTimes('cpu  130 0 60 850 20 0 0 0\ncpu0 0\n');
    expect(cpuPercentages(a, b)).toEqual({ user: 30, nice: 0, system: 10, idle: 50, iowait: 10, irq: 0, softirq: 0, steal: 0 });
    expect(Object.values(cpuPercentages(a, a)).every((v) => v === null)).toBe(true);
    // A counter that went back (a different boot) gives no percentages at all.
    expect(Object.values(cpuPercentages(b, a)).every((v) => v === null)).toBe(true);
  });
});

describe('/proc/loadavg, /proc/meminfo', () => {
  it('parses the load averages and runnable/total threads', () => {
    expect(parseLoadavg('5.29 6.16 3.10 2/174 26463\n')).toEqual({ load_1: 5.29, load_5: 6.16, load_15: 3.1, load_running: 2, load_tasks: 174 });
    expect(() => parseLoadavg('garbage')).toThrow();
  });

  const meminfo = (available: boolean): string =>
    [
      'MemTotal:       1000 kB',
      'MemFree:         100 kB',
      ...(available ? ['MemAvailable:    600 kB'] : []),
      'Buffers:          50 kB',
      'Cached:          300 kB',
      'SwapCached:        0 kB',
      'Shmem:            20 kB',
      'SReclaimable:     40 kB',
      'SwapTotal:       500 kB',
      'SwapFree:        400 kB',
      'HugePages_Total:   0',
    ].join('\n');

  it("gives bytes with free's meanings: used = total − available, cached = Cached + SReclaimable", () => {
    expect(memoryFields(parseMeminfo(meminfo(true)))).toEqual({
      mem_total: 1000 * 1024,
      mem_used: 400 * 1024,
      mem_free: 100 * 1024,
      mem_available: 600 * 1024,
      mem_shared: 20 * 1024,
      mem_buffers: 50 * 1024,
      mem_cached: 340 * 1024,
      swap_total: 500 * 1024,
      swap_used: 100 * 1024,
      swap_free: 400 * 1024,
    });
  });

  it('estimates available as free + buffers + cached before Linux 3.14', () => {
    expect(memoryFields(parseMeminfo(meminfo(false)))).toMatchObject({ mem_available: 490 * 1024, mem_used: 510 * 1024 });
  });
});

describe('/proc/diskstats', () => {
  const text = [
    '   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0',
    ' 254       0 vda 38614 6675 1575306 18193 28075 151444 6611208 53492 2 27984 77206 30206 129 685840 5395 2276 125',
    ' 254       1 vda1 100 0 2000 0 50 0 4000 0 0 10 10',
    '   8       1 sda1 4 8 2 16',
  ].join('\n');

  it('reads operations, bytes (512-byte sectors), busy time and I/Os in flight; old 4-field partition lines too', () => {
    const d = parseDiskstats(text);
    expect(d.get('vda')).toEqual({ reads: 38614, writes: 28075, read_bytes: 1575306 * 512, write_bytes: 6611208 * 512, in_progress: 2, busy_ms: 27984 });
    expect(d.get('vda1')).toMatchObject({ reads: 100, writes: 50, busy_ms: 10 });
    expect(d.get('sda1')).toEqual({ reads: 4, writes: 2, read_bytes: 8 * 512, write_bytes: 16 * 512, busy_ms: null, in_progress: null });
  });

  it('leaves out loop, ram, zram devices and partitions by default, and keeps disks, dm and md devices', () => {
    const re = new RegExp(DEFAULT_DISK_EXCLUDE);
    for (const n of ['loop0', 'loop12', 'ram0', 'zram0', 'fd0', 'sda1', 'vda2', 'xvda1', 'hdb3', 'nvme0n1p1', 'mmcblk0p2']) expect(re.test(n), n).toBe(true);
    for (const n of ['sda', 'vda', 'xvdb', 'nvme0n1', 'mmcblk0', 'dm-0', 'md0', 'sr0']) expect(re.test(n), n).toBe(false);
  });
});

describe('/proc/net/dev', () => {
  it('reads both the spaced and the old unspaced form; rx drop is the kernel column as printed', () => {
    const text = [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      '    lo:    3193      29    0    0    0     0          0         0     3193      29    0    0    0     0       0          0',
      '  eth0:1571075008   54237    1    2    0     0          0         0  6205900   45127    3    4    0     0       0          0',
    ].join('\n');
    const n = parseNetDev(text);
    expect([...n.keys()]).toEqual(['lo', 'eth0']);
    expect(n.get('eth0')).toEqual({
      rx_bytes: 1571075008,
      rx_packets: 54237,
      rx_errors: 1,
      rx_drops: 2,
      tx_bytes: 6205900,
      tx_packets: 45127,
      tx_errors: 3,
      tx_drops: 4,
    });
  });
});

describe("mounts: df's choice", () => {
  const info = [
    '22 27 0:21 / /proc rw,relatime - proc proc rw',
    '24 27 0:6 / /dev rw,relatime - devtmpfs devtmpfs rw',
    '25 24 0:23 / /dev/shm rw,relatime - tmpfs tmpfs rw',
    '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
    '30 27 254:0 /srv/data /data rw - ext4 /dev/vda rw',
    '31 27 254:0 / /mnt/again rw - ext4 /dev/vda rw',
    '33 24 0:40 / /dev/shm rw,relatime - tmpfs tmpfs rw',
    '34 27 0:41 / /mnt/with\\040space rw - tmpfs tmpfs rw',
    '35 27 0:42 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw',
  ].join('\n');

  it('parses mountinfo, decoding octal escapes', () => {
    const m = parseMountinfo(info);
    expect(m[3]).toEqual({ dev: '254:0', root: '/', mountPoint: '/', fsType: 'ext4', source: '/dev/vda' });
    expect(m.find((e) => e.dev === '0:41')?.mountPoint).toBe('/mnt/with space');
  });

  it('skips pseudo file systems, counts an overmounted point once and one device once (nearest the root)', () => {
    const chosen = selectMounts(parseMountinfo(info));
    expect(chosen.map((e) => `${e.mountPoint} ${e.dev}`)).toEqual(['/dev 0:6', '/ 254:0', '/dev/shm 0:40', '/mnt/with space 0:41']);
  });

  it('lets a real device win over a name without a slash, and leaves out excluded types', () => {
    const m = parseMountinfo(['1 0 8:1 / /a rw - ext4 rootfs rw', '2 0 8:1 / /b/c rw - ext4 /dev/sda1 rw'].join('\n'));
    expect(selectMounts(m).map((e) => e.mountPoint)).toEqual(['/b/c']);
    expect(selectMounts(parseMountinfo(info), /^(tmpfs|devtmpfs)$/).map((e) => e.mountPoint)).toEqual(['/']);
  });

  it('names mounts: / → root, slashes → dashes, a taken name gets a suffix', () => {
    expect(mountKeys(['/', '/var/lib', '/var-lib', '/mnt/x/'])).toEqual(['root', 'var-lib', 'var-lib_2', 'mnt-x']);
  });
});

describe('parameters and platform', () => {
  it('a flag is on exactly when the YAML condition `NAME == true` holds', () => {
    const condition = parseCondition('p == true');
    for (const v of [true, 'true', 'yes', '1', 1, 'True', false, 'false', '', undefined, 0, null]) {
      expect(flagParam({ p: v }, 'p'), JSON.stringify(v)).toBe(evaluateCondition(condition, { p: v }));
    }
    expect(flagParam({ p: true }, 'p')).toBe(true);
  });

  it('patterns: missing → the default, "" → none, invalid → PB_ERR_VALIDATION', () => {
    expect(patternParam({}, 'x', '^a$')?.source).toBe('^a$');
    expect(patternParam({ x: '' }, 'x', '^a$')).toBeUndefined();
    expect(patternParam({ x: '^b' }, 'x', '^a$')?.source).toBe('^b');
    expect(() => patternParam({ x: '(' }, 'x')).toThrow(expect.objectContaining({ code: 'PB_ERR_VALIDATION' }));
  });

  it('off Linux, every collector says so with PB_ERR_UNSUPPORTED_PLATFORM', () => {
    expect(() => requireLinux('cpu', 'linux')).not.toThrow();
    for (const platform of ['darwin', 'win32', 'freebsd'] as const) {
      let err: unknown;
      try {
        requireLinux('cpu', platform);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CollectorError);
      expect((err as CollectorError).code).toBe('PB_ERR_UNSUPPORTED_PLATFORM');
      expect((err as CollectorError).message).toContain(platform);
    }
  });
});
