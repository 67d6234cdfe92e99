/**
 * Time-axis ticks for a window of `period` seconds, in the local time of the process (its TZ, as
 * rrdtool does), on wall-clock boundaries: :00 and :30, midnight, Mondays, the 1st of a month,
 * the 1st of January.
 *
 * The step is the smallest from a fixed ladder (1 s … 100 years; months and years are calendar
 * months and years) whose labels sit comfortably apart, so a graph shows as many labels as read
 * well; when that gives fewer than 4, a finer step with labels closer together (but never
 * overlapping) is taken, so every period shows at least 4 labels on any plot 4 labels fit on.
 *
 * Labels suit the step and the span: `HH:MM:SS` for sub-minute steps, `HH:MM` under a day,
 * `Ddd HH:MM` for hour steps over a longer span, `Ddd D` for day/week steps up to two weeks,
 * `Mon D` beyond, `Mon YYYY` for month steps, `YYYY` for year steps.
 */
const DAY = 86_400;
const MONTH = 30 * DAY; // the nominal size of a calendar-month step, for sorting and counting
const YEAR = 365 * DAY;

/** A step: seconds, or calendar months (`months` set; `seconds` is then nominal). */
interface Step {
  readonly seconds: number;
  readonly months?: number;
}

const LADDER: readonly Step[] = [
  ...[1, 2, 5, 10, 15, 30].map((s) => ({ seconds: s })),
  ...[1, 2, 5, 10, 15, 30].map((m) => ({ seconds: m * 60 })),
  ...[1, 2, 3, 4, 6, 12].map((h) => ({ seconds: h * 3600 })),
  ...[1, 2, 4].map((d) => ({ seconds: d * DAY })),
  ...[1, 2].map((w) => ({ seconds: w * 7 * DAY })),
  ...[1, 2, 3, 6].map((m) => ({ seconds: m * MONTH, months: m })),
  ...[1, 2, 5, 10, 20, 50, 100].map((y) => ({ seconds: y * YEAR, months: 12 * y })),
];

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

export type TimeLabelStyle = 'clock-seconds' | 'clock' | 'weekday-clock' | 'weekday-date' | 'date' | 'month-year' | 'year';

/**
 * Horizontal room per label at the axis font (10 px DejaVu Sans, about 6.4 px a digit):
 * `comfortable` is what a graph uses when it can; `tight` (the text plus a small gap) is the
 * least it uses to still show 4 labels.
 */
const LABEL_PX: Readonly<Record<TimeLabelStyle, { readonly comfortable: number; readonly tight: number }>> = {
  'clock-seconds': { comfortable: 80, tight: 56 }, // 22:13:20
  clock: { comfortable: 60, tight: 40 }, // 22:10
  'weekday-clock': { comfortable: 90, tight: 64 }, // Tue 22:10
  'weekday-date': { comfortable: 60, tight: 46 }, // Tue 14
  date: { comfortable: 64, tight: 48 }, // Nov 14
  'month-year': { comfortable: 80, tight: 62 }, // Nov 2023
  year: { comfortable: 50, tight: 36 }, // 2023
};

export const MIN_TIME_LABELS = 4;

export interface TimeTicks {
  /** Seconds between ticks (nominal for month and year steps). */
  readonly step: number;
  /** Tick positions, epoch seconds, inside [from, to]. */
  readonly values: readonly number[];
  readonly style: TimeLabelStyle;
}

export function timeTicks(from: number, to: number, plotWidth: number): TimeTicks {
  const span = Math.max(1, to - from);
  // Steps far too fine for any plot are not even tried (a year at 1 s would be 31 M ticks).
  // Tick positions are computed only for the steps actually looked at.
  const candidates = LADDER.filter((step, i) => span / step.seconds <= 200 || i === LADDER.length - 1).map((step) => {
    let values: number[] | undefined;
    return {
      step,
      style: styleFor(step, span),
      get values(): number[] {
        values ??= ticksFor(step, from, to);
        return values;
      },
    };
  });
  // Pixels between two ticks (a calendar month step is judged by its shortest run of months).
  const spacing = (c: (typeof candidates)[number]): number => ((c.step.months !== undefined ? shortestMonths(c.step.months) : c.step.seconds) * plotWidth) / span;
  // The densest step whose labels sit comfortably apart...
  let pick = candidates.find((c) => spacing(c) >= LABEL_PX[c.style].comfortable) ?? candidates[candidates.length - 1];
  // ...and never fewer than 4 labels while 4 can be shown at all: a finer step, labels closer.
  if (pick && pick.values.length < MIN_TIME_LABELS) {
    const coarsest = pick.step.seconds;
    const finer = [...candidates].reverse().find((c) => c.step.seconds < coarsest && c.values.length >= MIN_TIME_LABELS && spacing(c) >= LABEL_PX[c.style].tight);
    if (finer) pick = finer;
  }
  const chosen = pick as (typeof candidates)[number];
  return { step: chosen.step.seconds, values: chosen.values, style: chosen.style };
}

/** The fewest seconds `k` consecutive calendar months can last (February is 28 days). */
function shortestMonths(k: number): number {
  const days: Readonly<Record<number, number>> = { 1: 28, 2: 59, 3: 89, 6: 181 };
  return (days[k] ?? Math.floor(k / 12) * 365) * DAY;
}

function styleFor(step: Step, span: number): TimeLabelStyle {
  if (step.months !== undefined) return step.months % 12 === 0 ? 'year' : 'month-year';
  if (step.seconds < 60) return 'clock-seconds';
  if (step.seconds < DAY) return span < DAY ? 'clock' : 'weekday-clock';
  return span <= 14 * DAY ? 'weekday-date' : 'date';
}

/** Every tick of `step` in [from, to], on local boundaries. */
function ticksFor(step: Step, from: number, to: number): number[] {
  const values: number[] = [];
  if (step.months !== undefined) {
    const d = new Date(from * 1000);
    // The first month boundary at or after `from` whose month index is a multiple of the step.
    let y = d.getFullYear();
    let m = d.getMonth();
    if (new Date(y, m, 1).getTime() / 1000 < from) m++;
    const k = step.months;
    const index = (yy: number, mm: number): number => yy * 12 + mm;
    let i = Math.ceil(index(y, m) / k) * k;
    for (let guard = 0; guard < 1000; guard++, i += k) {
      y = Math.floor(i / 12);
      m = i % 12;
      const t = new Date(y, m, 1).getTime() / 1000;
      if (t > to) break;
      values.push(t);
    }
    return values;
  }
  let t = alignUp(from, step.seconds);
  for (let guard = 0; t <= to && guard < 1000; guard++) {
    values.push(t);
    t = alignUp(t + step.seconds, step.seconds);
  }
  return values;
}

function offsetSeconds(t: number): number {
  return -new Date(t * 1000).getTimezoneOffset() * 60;
}

/** The first multiple of `step` (in local time) at or after `t`. */
function alignUp(t: number, step: number): number {
  const off = offsetSeconds(t);
  // Weeks start on Monday; 1970-01-01 was a Thursday, so shift by 3 days first.
  const shift = step % (7 * DAY) === 0 ? 3 * DAY : 0;
  const local = t + off + shift;
  const snapped = Math.ceil(local / step) * step;
  return snapped - off - shift;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

export function formatTimeLabel(t: number, style: TimeLabelStyle): string {
  const d = new Date(t * 1000);
  const clock = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  switch (style) {
    case 'clock-seconds':
      return `${clock}:${pad2(d.getSeconds())}`;
    case 'clock':
      return clock;
    case 'weekday-clock':
      return `${WEEKDAYS[d.getDay()]} ${clock}`;
    case 'weekday-date':
      return `${WEEKDAYS[d.getDay()]} ${d.getDate()}`;
    case 'date':
      return `${MONTHS[d.getMonth()]} ${d.getDate()}`;
    case 'month-year':
      return `${MONTHS[d.getMonth()]} ${d.getFullYear()}`;
    case 'year':
      return String(d.getFullYear());
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
