/** memory collector (memory.yaml): /proc/meminfo — memory and swap in bytes, as `free` shows them. */
import type { ProcessBlock } from 'procblock';
import { memoryFields, parseMeminfo } from './lib/meminfo.js';
import { procfsFor } from './lib/procfs.js';

export const processBlock: ProcessBlock = async (pipeData, _block, _request, _input, ctx) => {
  const procfs = procfsFor('memory', pipeData, ctx.cwd);
  return { ...memoryFields(parseMeminfo(await procfs.read('meminfo'))) };
};
