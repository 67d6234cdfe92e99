import type { ProcessBlock } from 'procblock';
import { BUCKET, COUNTER, DELAY, stopButtonLabel } from './requests-shared.js';

/** The Requests tab's page: the slider's delay, the stop switch, the count, as they are now. */
export const processBlock: ProcessBlock = async (_pipeData, _block, _requestState, _inputData, ctx) => {
  const { unidist } = ctx;
  const delay = Number(await unidist.state.get(BUCKET, 'delay', DELAY.default));
  const stopped = (await unidist.state.get(BUCKET, 'stopped', false)) === true;
  const last = await unidist.state.get<{ requests: number; time: number }>(BUCKET, 'last_sample');
  return {
    delay,
    delay_label: `${delay} ms`,
    stopped,
    stop_button: stopButtonLabel(stopped),
    poller: String(await unidist.state.get(BUCKET, 'poller', 'starting')),
    requests: await unidist.counter.get(COUNTER),
    rate: Number(await unidist.state.get(BUCKET, 'rate', 0)),
    last_sample: last ? new Date(last.time * 1000).toISOString() : '',
  };
};
