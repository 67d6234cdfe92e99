/**
 * Numbers for axis ticks and the legend, with SI prefixes like rrdtool's `%s` (`1.23 k`,
 * `4.56 M`, `12.0 µ`), but plain decimals from 0.01 to 1 (`0.25`, not `250 m`). Three significant
 * digits are enough to read a graph and keep columns narrow.
 */
const PREFIXES: readonly [number, string][] = [
  [1e15, 'P'],
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
  [1, ''],
  [1e-3, 'm'],
  [1e-6, 'µ'],
  [1e-9, 'n'],
];

export function formatSi(v: number): string {
  if (Number.isNaN(v)) return 'n/a';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  let [scale, prefix] = PREFIXES[PREFIXES.length - 1] ?? [1, ''];
  // Plain decimals from 0.01 up: `0.25` reads better than `250 m` on a 0–1 axis.
  if (a >= 0.00995 && a < 1) {
    scale = 1;
    prefix = '';
  } else {
    for (const [s, p] of PREFIXES) {
      if (a >= s * 0.9995) {
        scale = s;
        prefix = p;
        break;
      }
    }
  }
  const x = v / scale;
  const ax = Math.abs(x);
  const digits = ax >= 99.95 ? 0 : ax >= 9.995 ? 1 : 2;
  const text = x.toFixed(digits);
  return prefix ? `${text} ${prefix}` : text;
}

/** Axis tick: like `formatSi` but drops trailing zeros (`0.50` → `0.5`, `2.00 k` → `2 k`). */
export function formatTick(v: number): string {
  const s = formatSi(Math.abs(v) < 1e-12 ? 0 : v);
  return s.replace(/(\.\d*?)0+(?=$| )/, '$1').replace(/\.(?=$| )/, '');
}
