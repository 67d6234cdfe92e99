import type { ProcessBlock } from 'procblock';
import { appendLog } from './demo-log.js';
import { BUCKET, slaBounds } from './requests-shared.js';

interface AlertData {
  readonly name: string;
  readonly state: 'firing' | 'resolved';
  readonly since: number;
  readonly value: number | null;
}

/**
 * The SLA alert's procedure (SPEC §9: it runs when the alert fires and once when it resolves,
 * with `alert` in pipe data): a line in the demo's log (WARN when broken, INFO when met again),
 * which the Log tail tab shows, and a note in state `requests.sla_note`, which the SLA panel
 * shows live.
 */
export const processBlock: ProcessBlock = async (pipeData, _block, _requestState, _inputData, ctx) => {
  const alert = pipeData.alert as AlertData;
  const { floor, ceiling } = slaBounds(pipeData);
  const rate = alert.value === null ? 'an unknown number of' : alert.value.toFixed(2);
  const note =
    alert.state === 'firing'
      ? `SLA broken: ${rate} requests/s, ${alert.value !== null && alert.value < floor ? `below the floor of ${floor}` : `above the ceiling of ${ceiling}`}`
      : `SLA met again: ${rate} requests/s, within ${floor}–${ceiling}`;
  await appendLog(ctx.cwd, alert.state === 'firing' ? 'WARN' : 'INFO', note);
  await ctx.unidist.state.set(BUCKET, 'sla_note', `${new Date(alert.since * 1000).toTimeString().slice(0, 8)} ${note}`);
  return {};
};
