import { describe, expect, it } from 'vitest';
import { parseDurationText, secondsOrDurationMs } from '../../src/core/duration.js';

describe('duration strings', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['2m', 120_000],
    ['1h30m', 5_400_000],
    ['1h 30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['1mo', 2_592_000_000],
    ['1y', 31_536_000_000],
    ['1y6mo', 31_536_000_000 + 6 * 2_592_000_000],
    ['2M', 120_000],
    ['0s', 0],
    [' 10MS ', 10],
  ])('%s = %i ms', (text, ms) => {
    expect(parseDurationText(text)).toBe(ms);
  });
  it.each(['', '30', 'soon', '5 parsecs', '1x', 's', '-3s', '1m30', '1mos', '1yr'])('%j is not a duration', (text) => {
    expect(parseDurationText(text)).toBeUndefined();
  });
  it('where seconds are meant, bare numbers are seconds and units say what they are', () => {
    expect(secondsOrDurationMs(30)).toBe(30_000);
    expect(secondsOrDurationMs('30')).toBe(30_000);
    expect(secondsOrDurationMs('30s')).toBe(30_000);
    expect(secondsOrDurationMs('500ms')).toBe(500);
    expect(secondsOrDurationMs(-1)).toBeUndefined();
    expect(secondsOrDurationMs('soon')).toBeUndefined();
    expect(secondsOrDurationMs(null)).toBeUndefined();
  });
});
