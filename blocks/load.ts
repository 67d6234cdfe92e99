/** load collector (load.yaml): /proc/loadavg — load averages and runnable/total threads. */
import type { ProcessBlock } from 'procblock';
import { parseLoadavg } from './lib/loadavg.js';
import { procfsFor } from './lib/procfs.js';

export const processBlock: ProcessBlock = async (pipeData, _block, _request, _input, ctx) => {
  const procfs = procfsFor('load', pipeData, ctx.cwd);
  return { ...parseLoadavg(await procfs.read('loadavg')) };
};
