/**
 * Durations in the expression language and in alert options: `30s`, `5m`, `1h30m`, `1.5h`,
 * `1d`, `2w` (the graph `period` syntax), or a bare number of seconds where a key takes one.
 */
const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** One or more `<number><unit>` parts, no spaces: the form used inside expressions. */
export const DURATION_TEXT = /^(?:\d+(?:\.\d+)?[smhdw])+$/;

/** Seconds of a duration written as `<number><unit>` parts; undefined when the text is not one. */
export function durationTextSeconds(text: string): number | undefined {
  if (!DURATION_TEXT.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)([smhdw])/g)) total += Number(m[1]) * (UNIT_SECONDS[m[2] as string] as number);
  return total;
}

/**
 * An option value in seconds: a number ≥ 0, a numeric string, or a duration text (spaces between
 * parts allowed, case-insensitive). Undefined when it is none of these.
 */
export function durationSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase().replace(/\s+/g, '');
  if (text === '') return undefined;
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text);
  return durationTextSeconds(text);
}
