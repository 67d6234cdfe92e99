/**
 * disk_space collector (disk_space.yaml): every mounted file system `df` would list, with
 * statfs(2) (`fs.statfs`), one entry per mount under `disk_space` (collected with
 * `key: disk_space`, one file per mount). Entries are named after the mount point ("/" → root,
 * "/var/lib" → var-lib) and also carry `mount`, `device` and `fstype` as text.
 *
 * Sizes follow df: size = blocks × block size, used = (blocks − free blocks) × block size,
 * available = blocks available to unprivileged users × block size, used_pct = used / (used +
 * available) rounded up, as df's Use%. A file system that cannot be read (permission, gone
 * between listing and statfs) is skipped and logged at debug level.
 */
import { statfs } from 'node:fs/promises';
import type { ProcessBlock } from 'procblock';
import { mountKeys, parseMountinfo, selectMounts } from './lib/mounts.js';
import { patternParam } from './lib/params.js';
import { procfsFor } from './lib/procfs.js';

export interface DiskSpace {
  readonly size: number;
  readonly used: number;
  readonly available: number;
  readonly used_pct: number | null;
  readonly inodes: number;
  readonly inodes_used: number;
  readonly mount: string;
  readonly device: string;
  readonly fstype: string;
}

export const processBlock: ProcessBlock = async (pipeData, _block, _request, _input, ctx) => {
  const procfs = procfsFor('disk_space', pipeData, ctx.cwd);
  const mounts = selectMounts(parseMountinfo(await procfs.read('self/mountinfo')), patternParam(pipeData, 'fs_exclude'));
  const stats = await Promise.all(
    mounts.map((m) =>
      statfs(m.mountPoint).catch((e: NodeJS.ErrnoException) => {
        ctx.log.debug(`statfs ${m.mountPoint} failed; skipped`, { error: e.code ?? e.message });
        return undefined;
      }),
    ),
  );
  const shown = mounts.flatMap((m, i) => {
    const s = stats[i];
    // df leaves out file systems of size 0 (pseudo file systems df does not know by type).
    return s && s.blocks > 0 ? [{ m, s }] : [];
  });
  const keys = mountKeys(shown.map((x) => x.m.mountPoint));
  const entries: Record<string, DiskSpace> = {};
  shown.forEach(({ m, s }, i) => {
    const used = (s.blocks - s.bfree) * s.bsize;
    const available = s.bavail * s.bsize;
    entries[keys[i] as string] = {
      size: s.blocks * s.bsize,
      used,
      available,
      used_pct: used + available > 0 ? Math.ceil((used * 100) / (used + available)) : null,
      inodes: s.files,
      inodes_used: s.files - s.ffree,
      mount: m.mountPoint,
      device: m.source,
      fstype: m.fsType,
    };
  });
  return { disk_space: entries };
};
