/**
 * Disk I/O per device from /proc/diskstats (the kernel's Documentation/admin-guide/iostats):
 * "major minor name" then reads completed, reads merged, sectors read, ms reading, writes
 * completed, writes merged, sectors written, ms writing, I/Os in progress, ms doing I/O, ...
 * Sectors are always 512 bytes here, whatever the device's own sector size. Kernels before
 * 2.6.25 gave partitions only four numbers (reads, sectors read, writes, sectors written); the
 * fields they lack are null (unknown).
 */

export interface DiskIo {
  /** Reads completed. */
  readonly reads: number;
  /** Writes completed. */
  readonly writes: number;
  readonly read_bytes: number;
  readonly write_bytes: number;
  /** Milliseconds the device was busy (had I/O in flight); its rate ÷ 10 is % utilisation. */
  readonly busy_ms: number | null;
  /** I/Os in flight right now. */
  readonly in_progress: number | null;
}

export const SECTOR_BYTES = 512;

/**
 * Devices left out unless `disk_exclude` says otherwise: loop, ram, zram and floppy devices,
 * and partitions (sda1, vda2, xvda1, nvme0n1p1, mmcblk0p1), whose I/O their disk counts too.
 */
export const DEFAULT_DISK_EXCLUDE = '^(loop|ram|zram|fd)\\d+$|^([hsv]|xv)d[a-z]+\\d+$|^(nvme\\d+n|mmcblk)\\d+p\\d+$';

export function parseDiskstats(text: string): Map<string, DiskIo> {
  const out = new Map<string, DiskIo>();
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 7) continue;
    const name = parts[2] as string;
    const n = parts.slice(3).map(Number);
    if (n.some((x) => !Number.isFinite(x))) continue;
    if (n.length < 11) {
      const [reads, readSectors, writes, writeSectors] = n as [number, number, number, number];
      out.set(name, { reads, writes, read_bytes: readSectors * SECTOR_BYTES, write_bytes: writeSectors * SECTOR_BYTES, busy_ms: null, in_progress: null });
      continue;
    }
    out.set(name, {
      reads: n[0] as number,
      writes: n[4] as number,
      read_bytes: (n[2] as number) * SECTOR_BYTES,
      write_bytes: (n[6] as number) * SECTOR_BYTES,
      in_progress: n[8] as number,
      busy_ms: n[9] as number,
    });
  }
  return out;
}
