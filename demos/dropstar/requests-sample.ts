import type { ProcessBlock } from 'procblock';
import { BUCKET, COUNTER } from './requests-shared.js';

/**
 * The Requests tab's RunThread: the counter `requests` every tick (collected as a COUNTER, so
 * its graph shows requests per second) and the rate since the previous tick.
 */
export const processBlock: ProcessBlock = async (_pipeData, _block, _requestState, _inputData, ctx) => {
  const { unidist } = ctx;
  const requests = await unidist.counter.get(COUNTER);
  const now = Date.now() / 1000;
  const last = await unidist.state.getSet<{ requests: number; time: number }>(BUCKET, 'last_sample', { requests, time: now });
  const rate = last && now > last.time && requests >= last.requests ? (requests - last.requests) / (now - last.time) : 0;
  return { requests, rate: Math.round(rate * 100) / 100 };
};
