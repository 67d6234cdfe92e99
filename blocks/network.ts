/**
 * network collector (network.yaml): /proc/net/dev, one entry per interface under `network`
 * (collected with `key: network`, one file per interface). Interfaces whose name matches the
 * `net_exclude` pattern (default: none) are left out.
 */
import type { ProcessBlock } from 'procblock';
import { parseNetDev, type NetIo } from './lib/netdev.js';
import { patternParam } from './lib/params.js';
import { procfsFor } from './lib/procfs.js';

export const processBlock: ProcessBlock = async (pipeData, _block, _request, _input, ctx) => {
  const procfs = procfsFor('network', pipeData, ctx.cwd);
  const exclude = patternParam(pipeData, 'net_exclude');
  const interfaces: Record<string, NetIo> = {};
  for (const [name, io] of parseNetDev(await procfs.read('net/dev'))) {
    if (!exclude?.test(name)) interfaces[name] = io;
  }
  return { network: interfaces };
};
