import type { ProcessBlock } from 'procblock';

/** Adds the current time to the queue; returns how many are waiting and how many were pushed. */
export const processBlock: ProcessBlock = async (_pipeData, _block, _requestState, inputData, ctx) => {
  const queue = typeof inputData.queue === 'string' ? inputData.queue : 'stamps';
  const waiting = await ctx.unidist.queue.add(queue, { pushed: Date.now() / 1000 });
  const pushed = await ctx.unidist.counter.increment('pushed');
  return { waiting, pushed };
};
