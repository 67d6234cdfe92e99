import type { ProcessBlock } from 'procblock';
import { BUCKET, COUNTER, slaBounds } from './requests-shared.js';

/** Whether this worker has published the SLA's bounds (they are fixed for the thread's life). */
let published = false;

/**
 * The Requests tab's RunThread: the counter `requests` every tick (collected as a COUNTER, so
 * its graph shows requests per second, and the SLA alert reads its rate) and the rate since the
 * previous tick (also kept in state `requests.rate` for the page). The SLA's bounds come from
 * the block's options in pipe data; they go to state `requests.sla` once, for the page.
 */
export const processBlock: ProcessBlock = async (pipeData, _block, _requestState, _inputData, ctx) => {
  const { unidist } = ctx;
  if (!published) {
    await unidist.state.set(BUCKET, 'sla', slaBounds(pipeData));
    published = true;
  }
  const requests = await unidist.counter.get(COUNTER);
  const now = Date.now() / 1000;
  const last = await unidist.state.getSet<{ requests: number; time: number }>(BUCKET, 'last_sample', { requests, time: now });
  const measured = last && now > last.time && requests >= last.requests ? (requests - last.requests) / (now - last.time) : 0;
  const rate = Math.round(measured * 100) / 100;
  await unidist.state.set(BUCKET, 'rate', rate);
  return { requests, rate };
};
