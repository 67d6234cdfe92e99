import type { ProcessBlock } from 'procblock';
import { appendLog } from './demo-log.js';
import { BUCKET, CONTROL_QUEUE, stopButtonLabel } from './requests-shared.js';

/**
 * RPC `toggle_stop` (the "Stop request poller" button): flip state `requests.stopped` and wake
 * the stop switch (requests-loop.ts), which takes or releases the lock the poller checks.
 */
export const processBlock: ProcessBlock = async (_pipeData, _block, _requestState, _inputData, ctx) => {
  const { unidist } = ctx;
  const stopped = (await unidist.state.get(BUCKET, 'stopped', false)) !== true;
  await unidist.state.set(BUCKET, 'stopped', stopped);
  await unidist.queue.add(CONTROL_QUEUE, stopped ? 'stop' : 'start');
  await appendLog(ctx.cwd, stopped ? 'WARN' : 'INFO', `requests: poller ${stopped ? 'stopped' : 'resumed'} from the web page`);
  return { stopped, stop_button: stopButtonLabel(stopped) };
};
