import type { ProcessBlock } from 'procblock';

/** The CPU page: the figures of the RunThread's latest tick (kept in state by cpu.ts). */
export const processBlock: ProcessBlock = async (_pipeData, _block, _requestState, _inputData, ctx) => {
  const latest = await ctx.unidist.state.get<Record<string, number>>('cpu', 'latest', {});
  return { user: '', system: '', iowait: '', idle: '', ...latest };
};
