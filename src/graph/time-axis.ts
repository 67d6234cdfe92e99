/**
 * Time-axis ticks for a window of `period` seconds: a step from a fixed ladder so that at most
 * `maxLabels` fit, aligned to local wall-clock boundaries (ticks on :00, :30, midnight…), and a
 * label format that suits the span: `HH:MM` under a day (a full day would show 00:00 at both
 * ends), `Ddd HH:MM` up to three days, `Ddd D` up to two weeks, `Mon D` beyond.
 * Local time of the process (its TZ), as rrdtool does.
 */
const STEPS = [
  60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 14_400, 21_600, 43_200, 86_400, 172_800,
  604_800, 1_209_600, 2_592_000, 7_776_000, 31_536_000,
] as const;

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

export type TimeLabelStyle = 'clock' | 'weekday-clock' | 'weekday-date' | 'date';

export interface TimeTicks {
  readonly step: number;
  /** Tick positions, epoch seconds, inside [from, to]. */
  readonly values: readonly number[];
  readonly style: TimeLabelStyle;
}

export function timeTicks(from: number, to: number, plotWidth: number): TimeTicks {
  const span = Math.max(1, to - from);
  const style: TimeLabelStyle =
    span < 86_400 ? 'clock' : span <= 3 * 86_400 ? 'weekday-clock' : span <= 14 * 86_400 ? 'weekday-date' : 'date';
  const labelPx = style === 'clock' ? 60 : style === 'weekday-clock' ? 80 : 70;
  const maxLabels = Math.max(2, Math.floor(plotWidth / labelPx));
  let step: number = STEPS[STEPS.length - 1] ?? 31_536_000;
  for (const s of STEPS) {
    // Date labels need at least day-wide steps; clock labels read best on whole minutes.
    if (style === 'weekday-date' || style === 'date') {
      if (s < 86_400) continue;
    }
    if (span / s <= maxLabels) {
      step = s;
      break;
    }
  }
  const values: number[] = [];
  // Align in local time: shift by the zone offset, snap, shift back (offset re-read per tick so
  // a DST change inside the window keeps ticks on local boundaries).
  let t = alignUp(from, step);
  for (let guard = 0; t <= to && guard < 1000; guard++) {
    values.push(t);
    t = alignUp(t + step, step);
  }
  return { step, values, style };
}

function offsetSeconds(t: number): number {
  return -new Date(t * 1000).getTimezoneOffset() * 60;
}

function alignUp(t: number, step: number): number {
  const off = offsetSeconds(t);
  // Weeks start on Monday; 1970-01-01 was a Thursday, so shift by 3 days first.
  const shift = step === 604_800 || step === 1_209_600 ? 3 * 86_400 : 0;
  const local = t + off + shift;
  const snapped = Math.ceil(local / step) * step;
  return snapped - off - shift;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

export function formatTimeLabel(t: number, style: TimeLabelStyle): string {
  const d = new Date(t * 1000);
  const clock = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  switch (style) {
    case 'clock':
      return clock;
    case 'weekday-clock':
      return `${WEEKDAYS[d.getDay()]} ${clock}`;
    case 'weekday-date':
      return `${WEEKDAYS[d.getDay()]} ${d.getDate()}`;
    case 'date':
      return `${MONTHS[d.getMonth()]} ${d.getDate()}`;
  }
}

/** `2026-11-22 09:10 UTC` in local time: the "to" stamp in the graph's header. */
export function formatStamp(t: number): string {
  const d = new Date(t * 1000);
  const zone = zoneName(d);
  const stamp = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  return zone ? `${stamp} ${zone}` : stamp;
}

// Building an Intl formatter costs far more than using one; keep one per TZ setting.
let zoneFormatter: { tz: string | undefined; fmt: Intl.DateTimeFormat } | undefined;

/** Short zone name (`UTC`, `CET`, `GMT+2`): servers and viewers often sit in different zones. */
function zoneName(d: Date): string {
  const tz = process.env.TZ;
  if (!zoneFormatter || zoneFormatter.tz !== tz) {
    zoneFormatter = { tz, fmt: new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }) };
  }
  return zoneFormatter.fmt.formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? '';
}
