/**
 * The same figures the collectors report, read independently of blocks/lib: other programs
 * (`free`, `df`, `getconf`), other kernel interfaces (/sys/block/<dev>/stat,
 * /sys/class/net/<if>/statistics) or, where there is no other source (/proc/stat,
 * /proc/loadavg), the file read and split by this test's own code.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

const CPU_STATES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;

/** /proc/stat's `cpu` line, state → ticks. */
export function procStatCpu(): Record<string, number> {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] as string;
  const cols = line.split(/\s+/).slice(1).map(Number);
  return Object.fromEntries(CPU_STATES.map((s, i) => [s, cols[i] as number]));
}

/** This process's own CPU time (utime + stime, ticks) from /proc/self/stat. */
export function ownCpuTicks(): number {
  const text = readFileSync('/proc/self/stat', 'utf8');
  // Fields after the parenthesised command name: state is field 3; utime 14, stime 15.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]);
}

/** Spin until this process has used `ticks` more CPU ticks (a known amount of CPU work). */
export function burnCpu(ticks: number): number {
  const start = ownCpuTicks();
  let x = 0;
  while (ownCpuTicks() - start < ticks) for (let i = 0; i < 200_000; i++) x += Math.sqrt(i);
  return x;
}

export function onlineCpus(): number {
  return Number(execFileSync('getconf', ['_NPROCESSORS_ONLN'], { encoding: 'utf8' }).trim());
}

export function loadavg(): number[] {
  const [l1, l5, l15, rt] = readFileSync('/proc/loadavg', 'utf8').trim().split(/\s+/);
  const [running, tasks] = (rt as string).split('/').map(Number);
  return [Number(l1), Number(l5), Number(l15), running as number, tasks as number];
}

/** `free -b`: Mem and Swap rows by column name. */
export function free(): { mem: Record<string, number>; swap: Record<string, number> } {
  const lines = execFileSync('free', ['-b', '-w'], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } }).trim().split('\n');
  const header = (lines[0] as string).trim().split(/\s+/);
  const row = (prefix: string): Record<string, number> => {
    const cols = (lines.find((l) => l.startsWith(prefix)) as string).trim().split(/\s+/).slice(1).map(Number);
    return Object.fromEntries(cols.map((v, i) => [header[i] as string, v]));
  };
  return { mem: row('Mem:'), swap: row('Swap:') };
}

export interface DfRow {
  readonly itotal: number;
  readonly iused: number;
  readonly size: number;
  readonly used: number;
  readonly avail: number;
  readonly pcent: number;
  readonly target: string;
}

/** `df` with no file arguments (its own choice of file systems), bytes and inodes. */
export function df(): Map<string, DfRow> {
  const text = execFileSync('df', ['-B1', '--output=itotal,iused,size,used,avail,pcent,target'], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  const out = new Map<string, DfRow>();
  for (const line of text.trim().split('\n').slice(1)) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+|-)%?\s+(.*)$/.exec(line);
    if (!m) throw new Error(`unexpected df line: ${line}`);
    const n = (i: number): number => Number(m[i]);
    const target = m[7] as string;
    out.set(target, { itotal: n(1), iused: n(2), size: n(3), used: n(4), avail: n(5), pcent: m[6] === '-' ? NaN : n(6), target });
  }
  return out;
}

/** Whole block devices (/sys/block) → their /sys/block/<dev>/stat as the collector's fields. */
export function sysBlockStats(): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const dev of readdirSync('/sys/block')) {
    const n = readFileSync(`/sys/block/${dev}/stat`, 'utf8').trim().split(/\s+/).map(Number);
    const at = (i: number): number => n[i] as number;
    out.set(dev, { reads: at(0), read_bytes: at(2) * 512, writes: at(4), write_bytes: at(6) * 512, in_progress: at(8), busy_ms: at(9) });
  }
  return out;
}

/** The whole disk holding `file` (a partition's parent), or undefined when it is on no block device (tmpfs, overlay). */
export function diskOf(file: string): string | undefined {
  const dev = statSync(file).dev;
  // Linux's dev_t encoding, as glibc's major()/minor().
  const major = Number((BigInt(dev) >> 8n) & 0xfffn);
  const minor = Number((BigInt(dev) & 0xffn) | ((BigInt(dev) >> 12n) & 0xfff00n));
  const sys = `/sys/dev/block/${major}:${minor}`;
  if (!existsSync(sys)) return undefined;
  // A symlink into /sys/devices/.../block/<disk>[/<partition>].
  const real = realpathSync(sys);
  return existsSync(path.join(real, 'partition')) ? path.basename(path.dirname(real)) : path.basename(real);
}

/** /sys/class/net/<if>/statistics as the collector's fields (rx drop as /proc/net/dev counts it). */
export function sysNetStats(): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const ifname of readdirSync('/sys/class/net')) {
    const s = (name: string): number => Number(readFileSync(`/sys/class/net/${ifname}/statistics/${name}`, 'utf8').trim());
    out.set(ifname, {
      rx_bytes: s('rx_bytes'),
      rx_packets: s('rx_packets'),
      rx_errors: s('rx_errors'),
      rx_drops: s('rx_dropped') + s('rx_missed_errors'),
      tx_bytes: s('tx_bytes'),
      tx_packets: s('tx_packets'),
      tx_errors: s('tx_errors'),
      tx_drops: s('tx_dropped'),
    });
  }
  return out;
}
