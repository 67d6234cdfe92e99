/**
 * Issue 7 point 8: more fields get distinct colours, every line readable on white. The colour
 * science here is the test's own (WCAG relative luminance, CIE L*a*b* under D65), not the
 * palette module's.
 */
import { describe, expect, it } from 'vitest';
import { AREA_COLORS, LINE_COLORS, seriesColors } from '../../src/graph/palette.js';

const channel = (c: number): number => {
  const v = c / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
};
const rgb = (hex: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
const luminance = (hex: string): number => {
  const [r, g, b] = rgb(hex).map(channel) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const contrastOnWhite = (hex: string): number => 1.05 / (luminance(hex) + 0.05);
const lab = (hex: string): [number, number, number] => {
  const [r, g, b] = rgb(hex).map(channel) as [number, number, number];
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (t: number): number => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
};
const deltaE = (a: string, b: string): number => Math.hypot(...lab(a).map((v, i) => v - (lab(b)[i] ?? 0)));

describe('the default palette', () => {
  it('has at least 12 line colours before it repeats', () => {
    expect(LINE_COLORS.length).toBeGreaterThanOrEqual(12);
    expect(new Set(LINE_COLORS).size).toBe(LINE_COLORS.length);
    expect(seriesColors(LINE_COLORS.length, undefined)).toEqual(seriesColors(0, undefined));
  });

  it('every line is readable on white: contrast at least 3:1 (the pale yellow was 2:1)', () => {
    for (const c of LINE_COLORS) expect(contrastOnWhite(c), c).toBeGreaterThanOrEqual(3);
    expect(contrastOnWhite('#CCB728')).toBeLessThan(3); // the original yellow, for the record
  });

  it('every two colours are clearly apart (ΔE ≥ 15)', () => {
    for (let i = 0; i < LINE_COLORS.length; i++) {
      for (let j = i + 1; j < LINE_COLORS.length; j++) {
        const [a, b] = [LINE_COLORS[i] as string, LINE_COLORS[j] as string];
        expect(deltaE(a, b), `${a} vs ${b}`).toBeGreaterThanOrEqual(15);
      }
    }
  });

  it("keeps the original's red and orange lines and its five area shades", () => {
    expect(LINE_COLORS.slice(0, 2)).toEqual(['#CA442A', '#CC7D28']);
    expect(AREA_COLORS.slice(0, 5)).toEqual(['#EA644A', '#EC9D48', '#ECD748', '#BBBBBB', '#ABABAB']);
    expect(AREA_COLORS).toHaveLength(LINE_COLORS.length);
  });
});
