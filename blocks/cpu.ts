/**
 * cpu collector (cpu.yaml): CPU time from /proc/stat.
 * - default: the tick counters cpu_user ... cpu_steal, collected as DERIVE so the RRD stores
 *   their rate: the percentage of ONE CPU spent in each state (they add up to 100 × cpu_count);
 * - `percent`: the share of all CPU time in each state since the previous tick, 0–100 (the first
 *   tick has no previous reading and gives unknowns). The previous reading is kept in unidist
 *   state (ticks may run on any worker thread), per host and procfs, and only used when this
 *   process took it (after a restart the first tick is unknown again).
 */
import os from 'node:os';
import type { ProcessBlock } from 'procblock';
import { CPU_STATES, cpuPercentages, parseCpuTimes, type CpuTimes } from './lib/cpu-times.js';
import { flagParam } from './lib/params.js';
import { procfsFor } from './lib/procfs.js';

const STATE_BUCKET = 'procblock.blocks';

export const processBlock: ProcessBlock = async (pipeData, _block, _request, _input, ctx) => {
  const procfs = procfsFor('cpu', pipeData, ctx.cwd);
  const times = parseCpuTimes(await procfs.read('stat'));
  const out: Record<string, number | null> = { cpu_count: times.cpus };
  if (!flagParam(pipeData, 'percent')) {
    for (const s of CPU_STATES) out[`cpu_${s}`] = times.ticks[s];
    return out;
  }
  const key = `cpu:${os.hostname()}:${procfs.root}`;
  const prev = await ctx.unidist.state.getSet<{ pid: number; times: CpuTimes }>(STATE_BUCKET, key, { pid: process.pid, times });
  const pct = prev?.pid === process.pid ? cpuPercentages(prev.times, times) : undefined;
  for (const s of CPU_STATES) out[`cpu_${s}`] = pct ? roundTo(pct[s], 3) : null;
  return out;
};

function roundTo(v: number | null, digits: number): number | null {
  if (v === null) return null;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
