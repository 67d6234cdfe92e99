/**
 * Graph durations: `period: 1h`, `30m`, `1d`, `2w`, `90s`, `1h30m`, `3mo`, `1y` (the grammar of
 * core/duration.ts), or a plain number of seconds (`3600`, as string or number).
 *
 * A graph's period is one grammar wherever it is written — the YAML's `period:`, `procblock rrd
 * graph --period`, dropSTAR's `?period=` — with one addition to the duration grammar: the five
 * period names of SPEC §7 (`1h`, `1d`, `1w`, `1m`, `1y`), where `1m` is a month. A one-minute
 * graph is never what is meant there (rrdtool reads `-1m` as a month too), so `1m` is a month in
 * every graph period and `m` stays minutes in every other number (`30m`, `1h30m`, `2m`).
 * A month is 30 days and a year 365 days, as `mo` and `y` are in the duration grammar.
 */
import { secondsOrDurationMs } from '../core/duration.js';

const DAY = 86_400;

/** The period names of SPEC §7 (dropSTAR's period buttons), in seconds. */
export const GRAPH_PERIOD_NAMES: Readonly<Record<string, number>> = Object.freeze({
  '1h': 3600,
  '1d': DAY,
  '1w': 7 * DAY,
  '1m': 30 * DAY,
  '1y': 365 * DAY,
});

/** Seconds of a positive duration (see core/duration.ts), or undefined. */
export function parseDurationSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const ms = secondsOrDurationMs(value);
  return ms !== undefined && ms > 0 ? ms / 1000 : undefined;
}

/** Seconds of a graph period: a period name (`1m` = a month) or a positive duration; else undefined. */
export function parseGraphPeriod(value: unknown): number | undefined {
  if (typeof value === 'string') {
    const named = GRAPH_PERIOD_NAMES[value.trim().toLowerCase()];
    if (named !== undefined) return named;
  }
  return parseDurationSeconds(value);
}

/** `3600` → `1h`, `5400` → `1h30m`, `86400` → `1d`, `2592000` → `1mo`, `31536000` → `1y`: for titles and legends. */
export function formatDuration(seconds: number): string {
  let rest = Math.round(seconds);
  if (rest <= 0) return '0s';
  const out: string[] = [];
  for (const [unit, size] of [
    ['y', 365 * DAY],
    ['mo', 30 * DAY],
    ['w', 7 * DAY],
    ['d', DAY],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      const n = Math.floor(rest / size);
      out.push(`${n}${unit}`);
      rest -= n * size;
    }
  }
  return out.join('');
}
