/**
 * Refilling a window from the thread's own round-robin file at start (docs/alerts.md, "after a
 * restart"): the newest rows of the file's finest AVERAGE archive, up to the window's capacity,
 * become samples at their row times (one per step, ending at the last complete step before the
 * file's last update). Only GAUGE fields are refilled: a GAUGE row is the value itself, while a
 * COUNTER/DERIVE/ABSOLUTE row is a rate, not the reading a live sample holds. Rows before the
 * first known value are skipped (the file's empty past is not a run of unknown samples).
 * The file is opened read-only; a missing or unreadable file refills nothing.
 */
import { existsSync } from 'node:fs';
import type { Logger } from '../core/logger.js';
import { RrdFile } from '../timeseries/rrd/rrd-file.js';
import { completeRows } from './rrd-source.js';
import type { SampleWindow } from './sample-window.js';

/** Returns the number of samples added. */
export async function refillFromRrd(window: SampleWindow, file: string, gaugeFields: readonly string[], logger: Logger): Promise<number> {
  const fields = gaugeFields.filter((f) => window.column(f) >= 0);
  if (fields.length === 0 || window.length > 0 || !existsSync(file)) return 0;
  let rrd: RrdFile | undefined;
  try {
    rrd = await RrdFile.open(file, { readOnly: true });
    const step = rrd.definition.step;
    const end = Math.floor(rrd.lastUpdate() / step) * step;
    const rows = window.capacity;
    const f = rrd.fetch({ cf: 'AVERAGE', start: end - rows * step, end, resolution: step });
    const cols = fields.map((name) => {
      const i = f.dsNames.indexOf(name);
      return i < 0 ? undefined : (f.columns[i] as Float64Array);
    });
    const complete = completeRows(f, end);
    let first = -1;
    for (let r = 0; r < complete && first < 0; r++) if (cols.some((c) => c !== undefined && !Number.isNaN(c[r] as number))) first = r;
    if (first < 0) return 0;
    const from = Math.max(first, complete - rows);
    for (let r = from; r < complete; r++) {
      const t = (f.start + (r + 1) * f.step) * 1000;
      window.push(t, (name) => {
        const i = fields.indexOf(name);
        return i < 0 ? NaN : ((cols[i]?.[r] as number | undefined) ?? NaN);
      });
    }
    logger.debug('window refilled from the time-series file', { file, samples: complete - from, step: f.step });
    return complete - from;
  } catch (e) {
    logger.warn(`could not refill the alert window from ${file}: ${(e as Error).message}; it starts empty`);
    return 0;
  } finally {
    await rrd?.close();
  }
}
