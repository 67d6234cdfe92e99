import type { ProcessBlock } from 'procblock';
import { BUCKET, COUNTER } from './requests-shared.js';

/**
 * The Requests tab's RunThread: the counter `requests` every tick (collected as a COUNTER, so
 * its graph shows requests per second) and the rate since the previous tick (also kept in
 * state `requests.rate` for the page).
 */
export const processBlock: ProcessBlock = async (_pipeData, _block, _requestState, _inputData, ctx) => {
  const { unidist } = ctx;
  const requests = await unidist.counter.get(COUNTER);
  const now = Date.now() / 1000;
  const last = await unidist.state.getSet<{ requests: number; time: number }>(BUCKET, 'last_sample', { requests, time: now });
  const measured = last && now > last.time && requests >= last.requests ? (requests - last.requests) / (now - last.time) : 0;
  const rate = Math.round(measured * 100) / 100;
  await unidist.state.set(BUCKET, 'rate', rate);
  return { requests, rate };
};
