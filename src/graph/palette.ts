/**
 * Series colours on the white graph background, repeating after the last.
 *
 * The first five are the original procblock's (SPEC §6: red, orange, yellow, grey, dark grey)
 * with two changes so every line stays readable on white (contrast at least 3:1, WCAG's rule for
 * graphics): the pale yellow line `#CCB728` (2.0:1) is a darker gold `#A88B00`, and the greys
 * `#9B9B9B`/`#7B7B7B` (2.8:1 for the first) are `#939393`/`#6B6B6B`. Nine more follow for
 * graphs of more than five fields, each at least 3:1 on white and clearly apart from every
 * other (CIE76 ΔE ≥ 15; ≥ 20 for every pair but the two greys): blue, green, purple, teal,
 * magenta, brown, navy, olive, rose. The area shades of the first five are the original's; the
 * others are the line colour lifted by 0x20 per channel, as the original's were.
 */
export const LINE_COLORS: readonly string[] = [
  '#CA442A', '#CC7D28', '#A88B00', '#939393', '#6B6B6B',
  '#2F6FB8', '#2E8B57', '#7B4FB0', '#0E8A8A', '#B5307E', '#8C5A2B', '#283E8C', '#5E8C1F', '#D9466F',
];
const ORIGINAL_AREAS = ['#EA644A', '#EC9D48', '#ECD748', '#BBBBBB', '#ABABAB'];

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

// After the helpers it uses (module constants initialise in order).
export const AREA_COLORS: readonly string[] = LINE_COLORS.map((line, i) => ORIGINAL_AREAS[i] ?? liftHex(line, 0x20));
