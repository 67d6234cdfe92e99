/**
 * Graph durations: `period: 1h`, `30m`, `1d`, `2w`, `90s`, `1h30m` (the grammar of
 * core/duration.ts), or a plain number of seconds (`3600`, as string or number). Returns seconds,
 * or `undefined` when the text is not a positive duration, so the caller can raise an error that
 * names its own key.
 */
import { secondsOrDurationMs } from '../core/duration.js';

export function parseDurationSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const ms = secondsOrDurationMs(value);
  return ms !== undefined && ms > 0 ? ms / 1000 : undefined;
}

/** `3600` → `1h`, `5400` → `1h30m`, `86400` → `1d`: for titles and legends. */
export function formatDuration(seconds: number): string {
  let rest = Math.round(seconds);
  if (rest <= 0) return '0s';
  const out: string[] = [];
  for (const [unit, size] of [
    ['w', 604_800],
    ['d', 86_400],
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
