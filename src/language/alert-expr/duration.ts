/**
 * Durations in the expression language and in alert options, in the project's one grammar
 * (src/core/duration.ts: `500ms`, `30s`, `5m`, `1h30m`, `1.5h`, `1d`, `2w`, `1mo`, `1y`). Inside an expression
 * a duration is written without spaces (`avg(ms, 5m)`); an option value may also be a bare number
 * of seconds.
 */
import { parseDurationText, secondsOrDurationMs } from '../../core/duration.js';

/** One or more `<number><unit>` parts, no spaces: the form used inside expressions. */
export const DURATION_TEXT = /^(?:(?:\d+(?:\.\d+)?|\.\d+)(?:ms|mo|s|m|h|d|w|y))+$/i;

/** Seconds of a duration written as `<number><unit>` parts; undefined when the text is not one. */
export function durationTextSeconds(text: string): number | undefined {
  if (!DURATION_TEXT.test(text)) return undefined;
  const ms = parseDurationText(text);
  return ms === undefined ? undefined : ms / 1000;
}

/** An option value in seconds: a number ≥ 0, a numeric string, or a duration text. Undefined when it is none of these. */
export function durationSeconds(value: unknown): number | undefined {
  const ms = secondsOrDurationMs(value);
  return ms === undefined ? undefined : ms / 1000;
}
