/** Issue 7 point 8: the time axis shows at least 4 labels at any period, never overlapping. */
import { beforeAll, describe, expect, it } from 'vitest';
import { formatTimeLabel, timeTicks } from '../../src/graph/time-axis.js';

beforeAll(() => {
  process.env.TZ = 'UTC';
});

const NOW = 1_700_000_000; // 2023-11-14 22:13:20 UTC
const PERIODS: [string, number][] = [
  ['10s', 10], ['30s', 30], ['1m', 60], ['2m', 120], ['5m', 300], ['7m', 420], ['15m', 900], ['45m', 2700], ['1h', 3600],
  ['90m', 5400], ['3h', 10_800], ['5h', 18_000], ['12h', 43_200], ['1d', 86_400], ['30h', 108_000], ['2d', 172_800],
  ['3d', 259_200], ['4d', 345_600], ['1w', 604_800], ['10d', 864_000], ['2w', 1_209_600], ['3w', 1_814_400],
  ['1m', 2_592_000], ['6w', 3_628_800], ['3mo', 7_776_000], ['6mo', 15_552_000], ['1y', 31_536_000], ['18mo', 47_304_000],
  ['2y', 63_072_000], ['5y', 157_680_000], ['10y', 315_360_000],
];
/** Widest label text per style, in px at the axis font (10 px DejaVu Sans ≈ 6.2 px a character). */
const textPx = (label: string): number => label.length * 6.2;

describe('timeTicks', () => {
  for (const width of [400, 600, 1000]) {
    it(`at ${width} px: at least 4 labels for every period from 10 s to 10 years, without overlap`, () => {
      for (const [name, period] of PERIODS) {
        for (const end of [NOW, NOW + 12_345, NOW + 86_400 * 47]) {
          const t = timeTicks(end - period, end, width);
          const where = `${name} ending ${end} at ${width}px`;
          expect(t.values.length, where).toBeGreaterThanOrEqual(4);
          expect(t.values.every((v) => v >= end - period && v <= end), where).toBe(true);
          const labels = t.values.map((v) => formatTimeLabel(v, t.style));
          // Distinct labels, spaced wider than the widest one.
          expect(new Set(labels).size, `${where}: ${labels.join(' | ')}`).toBe(labels.length);
          const pxPerSecond = width / period;
          const widest = Math.max(...labels.map(textPx));
          for (let i = 1; i < t.values.length; i++) {
            expect(((t.values[i] as number) - (t.values[i - 1] as number)) * pxPerSecond, `${where}: ${labels.join(' | ')}`).toBeGreaterThan(widest + 4);
          }
        }
      }
    });
  }

  it('a narrow plot shows fewer labels rather than overlapping ones', () => {
    const t = timeTicks(NOW - 30, NOW, 200);
    expect(t.values.length).toBeGreaterThanOrEqual(2);
    expect(((t.values[1] as number) - (t.values[0] as number)) * (200 / 30)).toBeGreaterThan(8 * 6.2);
  });

  it('labels read the step: seconds, clock, weekday, date, month, year', () => {
    const style = (period: number): string => timeTicks(NOW - period, NOW, 600).style;
    expect(style(60)).toBe('clock-seconds');
    expect(style(3600)).toBe('clock');
    expect(style(2 * 86_400)).toBe('weekday-clock');
    expect(style(7 * 86_400)).toBe('weekday-date');
    expect(style(30 * 86_400)).toBe('date');
    expect(style(365 * 86_400)).toBe('month-year');
    expect(style(10 * 365 * 86_400)).toBe('year');
    const year = timeTicks(NOW - 365 * 86_400, NOW, 600);
    // Calendar months: every tick is the 1st of a month at midnight.
    for (const v of year.values) expect(new Date(v * 1000).toISOString()).toMatch(/-01T00:00:00\.000Z$/);
    expect(formatTimeLabel(year.values[0] as number, year.style)).toMatch(/^[A-Z][a-z]{2} \d{4}$/);
  });

  it('ticks sit on wall-clock boundaries', () => {
    const hour = timeTicks(NOW - 3600, NOW, 600);
    expect(hour.values.every((v) => v % hour.step === 0)).toBe(true);
    const week = timeTicks(NOW - 14 * 86_400, NOW, 300);
    if (week.step === 7 * 86_400) for (const v of week.values) expect(new Date(v * 1000).getUTCDay()).toBe(1); // Mondays
  });
});
