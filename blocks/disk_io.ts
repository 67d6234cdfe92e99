/**
 * disk_io collector (disk_io.yaml): /proc/diskstats, one entry per device under `disk_io`
 * (collected with `key: disk_io`, one file per device). Devices whose name matches the
 * `disk_exclude` pattern (default: loop, ram and zram devices and partitions, whose I/O the
 * whole disk counts already; "" keeps every device) are left out.
 */
import type { ProcessBlock } from 'procblock';
import { DEFAULT_DISK_EXCLUDE, parseDiskstats, type DiskIo } from './lib/diskstats.js';
import { patternParam } from './lib/params.js';
import { procfsFor } from './lib/procfs.js';

export const processBlock: ProcessBlock = async (pipeData, _block, _request, _input, ctx) => {
  const procfs = procfsFor('disk_io', pipeData, ctx.cwd);
  const exclude = patternParam(pipeData, 'disk_exclude', DEFAULT_DISK_EXCLUDE);
  const devices: Record<string, DiskIo> = {};
  for (const [name, io] of parseDiskstats(await procfs.read('diskstats'))) {
    if (!exclude?.test(name)) devices[name] = io;
  }
  return { disk_io: devices };
};
