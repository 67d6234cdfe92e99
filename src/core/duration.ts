/**
 * Duration strings, one grammar for the whole project: one or more `<number><unit>` parts,
 * units `ms`, `s`, `m` (minutes), `h`, `d`, `w`, `mo` (a month of 30 days) and `y` (a year of 365
 * days), case-insensitive, spaces allowed between parts: `'500ms'`, `'30s'`, `'2m'`, `'1h30m'`,
 * `'1.5h'`, `'3mo'`, `'1y'`. `m` is always minutes here; graph periods add the one exception
 * `1m` = a month (graph/period.ts), the period buttons' name in SPEC §7.
 *
 * What a bare number means depends on where it is written, and that is the point of accepting
 * units everywhere: the block YAML counts in seconds (`timeout: 30`), the JavaScript unidist API
 * in milliseconds (`{ timeout: 30000 }`); `'30s'` means the same in both.
 */
const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  mo: 2_592_000_000,
  y: 31_536_000_000,
};

const PART = /\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|mo|s|m|h|d|w|y)/y;

/** Milliseconds of a duration string with units (`'30s'` → 30000); undefined when it is not one. */
export function parseDurationText(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === '') return undefined;
  let total = 0;
  let pos = 0;
  while (pos < t.length) {
    PART.lastIndex = pos;
    const m = PART.exec(t);
    if (!m) return undefined;
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? Number.NaN);
    pos = PART.lastIndex;
    while (t[pos] === ' ') pos++;
  }
  return Number.isFinite(total) ? total : undefined;
}

/**
 * A value written in a block where seconds are meant: a number or numeric string is seconds, a
 * string with units is a duration. Milliseconds, or undefined when it is neither (or negative).
 */
export function secondsOrDurationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  if (typeof value !== 'string') return undefined;
  if (/^\s*(\d+(?:\.\d*)?|\.\d+)\s*$/.test(value)) return Number(value) * 1000;
  return parseDurationText(value);
}

/** `'30s'`, `'500ms'`, `'2m'`: examples for messages. */
export const DURATION_EXAMPLES = "'30s', '500ms', '2m'";
