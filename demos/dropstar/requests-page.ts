import type { ProcessBlock } from 'procblock';
import { BUCKET, COUNTER, DELAY, stopButtonLabel, type SlaBounds } from './requests-shared.js';

/**
 * The Requests tab's page: the slider's delay, the stop switch, the count, as they are now; the
 * SLA's bounds and the last note of its procedure (its state comes live over `/events`).
 */
export const processBlock: ProcessBlock = async (_pipeData, _block, _requestState, _inputData, ctx) => {
  const { unidist } = ctx;
  const delay = Number(await unidist.state.get(BUCKET, 'delay', DELAY.default));
  const stopped = (await unidist.state.get(BUCKET, 'stopped', false)) === true;
  const last = await unidist.state.get<{ requests: number; time: number }>(BUCKET, 'last_sample');
  const sla = await unidist.state.get<SlaBounds>(BUCKET, 'sla');
  return {
    delay,
    delay_label: `${delay} ms`,
    stopped,
    stop_button: stopButtonLabel(stopped),
    poller: String(await unidist.state.get(BUCKET, 'poller', 'starting')),
    requests: await unidist.counter.get(COUNTER),
    rate: Number(await unidist.state.get(BUCKET, 'rate', 0)),
    last_sample: last ? new Date(last.time * 1000).toISOString() : '',
    sla_floor: sla?.floor ?? '?',
    sla_ceiling: sla?.ceiling ?? '?',
    // A bare number is seconds (as `for:` reads it).
    sla_hold: sla ? (/^\s*[\d.]+\s*$/.test(sla.hold) ? `${sla.hold.trim()} s` : sla.hold) : '?',
    sla_note: String(await unidist.state.get(BUCKET, 'sla_note', 'none yet')),
  };
};
