import type { ProcessBlock } from 'procblock';
import { BUCKET, DELAY } from './requests-shared.js';

/** RPC `set_delay` (the slider): store the poller's delay in shared state (kept across reloads). */
export const processBlock: ProcessBlock = async (pipeData, _block, requestState, _inputData, ctx) => {
  const delay = Math.round(Number(pipeData.delay));
  if (!Number.isFinite(delay) || delay < DELAY.min || delay > DELAY.max) {
    const response = requestState.response as { status?: number };
    response.status = 400;
    return { error: `delay must be a number of milliseconds from ${DELAY.min} to ${DELAY.max}` };
  }
  await ctx.unidist.state.set(BUCKET, 'delay', delay);
  return { delay, delay_label: `${delay} ms` };
};
