/**
 * A tick result value as a sample number (the same reading as `timeseries collect`): finite
 * numbers as they are, `true`/`false` → 1/0, bigints and numeric strings → numbers; anything
 * else (missing, null, NaN, ±Infinity, text, objects) → NaN, "unknown".
 */
export function sampleNumber(v: unknown): number {
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? v : NaN;
    case 'boolean':
      return v ? 1 : 0;
    case 'bigint':
      return Number(v);
    case 'string': {
      const s = v.trim();
      if (s === '') return NaN;
      const n = Number(s);
      return Number.isFinite(n) ? n : NaN;
    }
    default:
      return NaN;
  }
}
