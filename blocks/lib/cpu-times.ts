/**
 * CPU time from /proc/stat (proc(5)): the `cpu` line sums every CPU's time in USER_HZ ticks
 * (1/100 s on every mainstream Linux architecture), so the per-second rate of a field is the
 * percentage of ONE CPU spent that way, and the rates of all fields add up to 100 × CPUs.
 * `guest`/`guest_nice` are already counted in `user`/`nice` and are left out.
 */

/** The eight states, in /proc/stat's column order. */
export const CPU_STATES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;
export type CpuState = (typeof CPU_STATES)[number];

export interface CpuTimes {
  /** Ticks per state; null when the kernel does not report it (older kernels lack steal). */
  readonly ticks: Readonly<Record<CpuState, number | null>>;
  /** Number of `cpuN` lines: the CPUs online. */
  readonly cpus: number;
}

export function parseCpuTimes(stat: string): CpuTimes {
  let total: string[] | undefined;
  let cpus = 0;
  for (const line of stat.split('\n')) {
    if (line.startsWith('cpu ')) total = line.trim().split(/\s+/).slice(1);
    else if (/^cpu\d+\s/.test(line)) cpus++;
  }
  if (!total) throw new Error('no "cpu" line in /proc/stat');
  const ticks = {} as Record<CpuState, number | null>;
  CPU_STATES.forEach((state, i) => {
    const text = total[i];
    ticks[state] = text === undefined ? null : Number(text);
  });
  return { ticks, cpus };
}

/**
 * Percentages of all CPU time spent in each state between two readings (as `top`'s summary
 * line shows them); null for every state when no time passed or a counter went back.
 */
export function cpuPercentages(prev: CpuTimes, cur: CpuTimes): Record<CpuState, number | null> {
  const deltas = CPU_STATES.map((s) => {
    const a = prev.ticks[s];
    const b = cur.ticks[s];
    return a === null || b === null ? null : b - a;
  });
  const total = deltas.reduce<number>((sum, d) => sum + (d ?? 0), 0);
  const broken = total <= 0 || deltas.some((d) => d !== null && d < 0);
  const out = {} as Record<CpuState, number | null>;
  CPU_STATES.forEach((s, i) => {
    const d = deltas[i] ?? null;
    out[s] = broken || d === null ? null : (d * 100) / total;
  });
  return out;
}
