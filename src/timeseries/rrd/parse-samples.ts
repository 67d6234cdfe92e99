/**
 * Checking one `update()` call's samples before anything is applied: times (rrdtool's parser for
 * fractional times, strictly increasing from the last update) and values (`sample-values.ts`).
 */
import type { Clock } from '../../core/clock.js';
import { InputError } from '../../core/errors.js';
import type { ResolvedDefinition } from './definition.js';
import { rrdStrtod } from './rrd-strtod.js';
import { sampleValues, type EngineValues } from './sample-values.js';
import type { RrdState } from './state.js';
import type { RrdSample } from './types.js';

export interface ParsedSamples {
  readonly secs: Float64Array;
  readonly usecs: Float64Array;
  readonly vals: EngineValues;
}

export function parseSamples(
  def: ResolvedDefinition,
  names: ReadonlySet<string>,
  samples: readonly RrdSample[],
  st: RrdState,
  clock: Clock,
  path: string,
): ParsedSamples {
  let lastSec = st.lastUp;
  let lastUsec = st.lastUpUsec;
  const n = samples.length;
  const nd = def.ds.length;
  const secs = new Float64Array(n);
  const usecs = new Float64Array(n);
  const vals: EngineValues = { nums: new Float64Array(n * nd), strs: undefined };
  for (let i = 0; i < n; i++) {
    const s = samples[i]!;
    // Times go through rrdtool's own parser, as `rrdtool update <time>:…` would (see rrd-strtod.ts);
    // whole seconds parse exactly, so they skip it.
    const nowMs = s.time === 'now' ? clock.now() : NaN;
    const t = s.time === 'now' ? nowMs / 1000 : typeof s.time !== 'number' ? NaN : Number.isInteger(s.time) ? s.time : rrdStrtod(String(s.time));
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
      throw new InputError('PB_ERR_RRD_UPDATE', `time must be epoch seconds or 'now'; got ${String(s.time)}`, {
        location: { file: path, keyPath: `samples[${i}].time` },
      });
    }
    // rrdtool: sec = floor(t), usec = (long)((t - sec) * 1e6); 'now' splits the clock's
    // milliseconds directly, as rrdtool splits gettimeofday().
    let sec = Math.floor(t);
    let usec = s.time === 'now' ? Math.floor((nowMs - sec * 1000) * 1000) : Math.trunc((t - sec) * 1e6);
    if (usec < 0) {
      // nowMs / 1000 rounded up to the next whole second
      sec -= 1;
      usec += 1e6;
    }
    if (sec < lastSec || (sec === lastSec && usec <= lastUsec)) {
      throw new InputError(
        'PB_ERR_RRD_UPDATE',
        `illegal attempt to update using time ${t} when last update time is ${lastSec + lastUsec / 1e6} (time must increase)`,
        { location: { file: path, keyPath: `samples[${i}].time` } },
      );
    }
    lastSec = sec;
    lastUsec = usec;
    secs[i] = sec;
    usecs[i] = usec;
    sampleValues(def, names, s.values ?? {}, path, i, vals, i * nd);
  }
  return { secs, usecs, vals };
}
