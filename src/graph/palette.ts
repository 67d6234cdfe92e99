/**
 * The original procblock palette (SPEC §6): lines and areas, repeating. Each area colour is the line
 * colour lifted by 0x20 per channel, which is also how a user-given colour gets its area shade.
 */
export const LINE_COLORS: readonly string[] = ['#CA442A', '#CC7D28', '#CCB728', '#9B9B9B', '#7B7B7B'];
export const AREA_COLORS: readonly string[] = ['#EA644A', '#EC9D48', '#ECD748', '#BBBBBB', '#ABABAB'];

export interface SeriesColors {
  readonly line: string;
  readonly area: string;
}

/** Colours for series `index`: the user's list when given (repeating), else the palette. */
export function seriesColors(index: number, custom: readonly string[] | undefined): SeriesColors {
  if (custom && custom.length > 0) {
    const line = normalizeHex(custom[index % custom.length] ?? '#000000');
    return { line, area: liftHex(line, 0x20) };
  }
  return {
    line: LINE_COLORS[index % LINE_COLORS.length] ?? '#000000',
    area: AREA_COLORS[index % AREA_COLORS.length] ?? '#000000',
  };
}

const HEX = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i;

export function isHexColor(s: string): boolean {
  return HEX.test(s);
}

/** `#abc`/`abc`/`#aabbcc` → `#AABBCC`. */
export function normalizeHex(s: string): string {
  const m = HEX.exec(s);
  if (!m || m[1] === undefined) return s;
  let h = m[1];
  if (h.length === 3) h = [...h].map((c) => c + c).join('');
  return `#${h.toUpperCase()}`;
}

export function hexToRgb(hex: string): [number, number, number] {
  const h = normalizeHex(hex).slice(1);
  return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
}

function liftHex(hex: string, by: number): string {
  const [r, g, b] = hexToRgb(hex);
  const c = (v: number): string => Math.min(255, v + by).toString(16).padStart(2, '0');
  return `#${c(r)}${c(g)}${c(b)}`.toUpperCase();
}

/** `rgba(...)` string for a hex colour at `alpha`. */
export function withAlpha(hex: string, alpha: number): string {
  const [r, g, b] = hexToRgb(hex);
  return `rgba(${r},${g},${b},${alpha})`;
}
