/**
 * Time arguments of `rrd fetch/graph --start/--end`, the useful subset of rrdtool's AT-style:
 * epoch seconds (`1700000000`), `now`, `now-1h`, `now+5m`, and for --start `end-1d` or a bare
 * `-1d` (relative to the end), for --end `start+2h` or a bare `-5m` (relative to now).
 */
import { parseDurationSeconds } from '../graph/period.js';
import { RrdUsageError } from './rrd-args.js';

type Base = 'now' | 'start' | 'end';

interface TimeSpec {
  readonly base: Base | 'epoch';
  readonly offset: number;
}

function parseTimeSpec(option: string, text: string, bare: Base): TimeSpec {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return { base: 'epoch', offset: Number(t) };
  const m = /^(now|start|end|s|e)?\s*(?:([+-])\s*(.+))?$/i.exec(t);
  if (m && (m[1] !== undefined || m[2] !== undefined)) {
    const word = (m[1] ?? '').toLowerCase();
    const base: Base = word === '' ? bare : word === 's' ? 'start' : word === 'e' ? 'end' : (word as Base);
    if (m[2] === undefined) return { base, offset: 0 };
    const d = parseDurationSeconds(m[3]);
    if (d !== undefined) return { base, offset: m[2] === '-' ? -d : d };
  }
  throw new RrdUsageError(
    `--${option}: cannot read the time ${JSON.stringify(text)} (use epoch seconds, now, now-1h, -1d, end-1d or start+2h)`,
  );
}

/**
 * Resolve `--start`/`--end` against `now` (epoch seconds). Defaults as rrdtool fetch:
 * end = now, start = end − `defaultSpan`.
 */
export function resolveTimeRange(
  startText: string | undefined,
  endText: string | undefined,
  now: number,
  defaultSpan: number,
): { start: number; end: number } {
  const s = startText === undefined ? { base: 'end' as const, offset: -defaultSpan } : parseTimeSpec('start', startText, 'end');
  const e = endText === undefined ? { base: 'now' as const, offset: 0 } : parseTimeSpec('end', endText, 'now');
  if (s.base === 'end' && e.base === 'start') {
    throw new RrdUsageError('--start and --end cannot both be relative to each other');
  }
  if (s.base === 'start') throw new RrdUsageError('--start cannot be relative to itself');
  if (e.base === 'end') throw new RrdUsageError('--end cannot be relative to itself');
  const abs = (spec: TimeSpec): number | undefined =>
    spec.base === 'epoch' ? spec.offset : spec.base === 'now' ? now + spec.offset : undefined;
  let start = abs(s);
  let end = abs(e);
  if (end === undefined) end = (start as number) + e.offset;
  if (start === undefined) start = end + s.offset;
  start = Math.floor(start);
  end = Math.floor(end);
  if (start >= end) throw new RrdUsageError(`--start (${start}) must be before --end (${end})`);
  return { start, end };
}

/** One time relative to now (for `create --start`): epoch seconds, `now`, `now-1h`, `-1h`. */
export function resolveTime(option: string, text: string, now: number): number {
  const spec = parseTimeSpec(option, text, 'now');
  if (spec.base === 'start' || spec.base === 'end') throw new RrdUsageError(`--${option} can only be relative to now`);
  return Math.floor(spec.base === 'epoch' ? spec.offset : now + spec.offset);
}
