/**
 * Memory and swap from /proc/meminfo (proc(5)), in bytes, with the definitions of `free` from
 * procps-ng 4 so the numbers match what operators already read:
 * - buff/cache = Buffers + Cached + SReclaimable (here split: mem_buffers, mem_cached = Cached +
 *   SReclaimable);
 * - used = total − available (falling back to total − free when that is negative);
 * - available = MemAvailable; kernels before 3.14 lack it, and then it is estimated as
 *   free + buffers + cached (what older `free` showed on its "-/+ buffers/cache" line);
 * - swap used = SwapTotal − SwapFree.
 */

export interface MemoryFields {
  readonly mem_total: number;
  readonly mem_used: number;
  readonly mem_free: number;
  readonly mem_available: number;
  readonly mem_shared: number;
  readonly mem_buffers: number;
  readonly mem_cached: number;
  readonly swap_total: number;
  readonly swap_used: number;
  readonly swap_free: number;
}

/** `Key: value kB` lines → bytes by key. */
export function parseMeminfo(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([^:\s]+):\s+(\d+)(?:\s+(kB))?\s*$/.exec(line);
    if (m) out.set(m[1] as string, Number(m[2]) * (m[3] ? 1024 : 1));
  }
  return out;
}

export function memoryFields(info: ReadonlyMap<string, number>): MemoryFields {
  const get = (k: string): number => info.get(k) ?? 0;
  if (!info.has('MemTotal')) throw new Error('no MemTotal in /proc/meminfo');
  const total = get('MemTotal');
  const free = get('MemFree');
  const buffers = get('Buffers');
  const cached = get('Cached') + get('SReclaimable');
  const available = info.get('MemAvailable') ?? Math.min(total, free + buffers + cached);
  let used = total - available;
  if (used < 0) used = total - free;
  const swapTotal = get('SwapTotal');
  const swapFree = get('SwapFree');
  return {
    mem_total: total,
    mem_used: used,
    mem_free: free,
    mem_available: available,
    mem_shared: get('Shmem'),
    mem_buffers: buffers,
    mem_cached: cached,
    swap_total: swapTotal,
    swap_used: swapTotal - swapFree,
    swap_free: swapFree,
  };
}
