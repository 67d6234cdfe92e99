/**
 * Graph durations: `period: 1h`, `30m`, `1d`, `2w`, `90s`, `1h30m`, or a plain number of seconds
 * (`3600`, as string or number). Returns whole seconds, or `undefined` when the text is not a
 * duration, so the caller can raise an error that names its own key.
 */
const UNIT_SECONDS: Readonly<Record<string, number>> = {
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
};

const PART = /(\d+(?:\.\d+)?)\s*([smhdw])/gy;

export function parseDurationSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  if (text === '') return undefined;
  if (/^\d+(?:\.\d+)?$/.test(text)) {
    const n = Number(text);
    return n > 0 ? n : undefined;
  }
  let total = 0;
  let pos = 0;
  PART.lastIndex = 0;
  for (;;) {
    while (text[pos] === ' ') pos++;
    if (pos >= text.length) break;
    PART.lastIndex = pos;
    const m = PART.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * (UNIT_SECONDS[m[2] ?? ''] ?? Number.NaN);
    pos = PART.lastIndex;
  }
  return Number.isFinite(total) && total > 0 ? total : undefined;
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
