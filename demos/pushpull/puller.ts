import type { ProcessBlock } from 'procblock';

/** Drains everything waiting in the queue and logs it. */
export const processBlock: ProcessBlock = async (_pipeData, _block, _requestState, inputData, ctx) => {
  const queue = typeof inputData.queue === 'string' ? inputData.queue : 'stamps';
  const pulled: unknown[] = [];
  for (;;) {
    const message = await ctx.unidist.queue.oldest(queue);
    if (message === undefined) break;
    pulled.push(message);
  }
  const total = await ctx.unidist.counter.increment('pulled', pulled.length);
  ctx.log.info(`pulled ${pulled.length} message(s) from '${queue}' (${total} in all)`);
  return { pulled: pulled.length, pulled_total: total };
};
