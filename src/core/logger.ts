/**
 * Leveled, structured logging to stderr (stdout carries only the result).
 * Lower layers receive a `Logger`, never `console` or `process.stderr`.
 */

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogRecord {
  readonly level: Exclude<LogLevel, 'silent'>;
  readonly msg: string;
  readonly fields?: Readonly<Record<string, unknown>> | undefined;
  /** Epoch milliseconds. */
  readonly time: number;
  /** Where it came from: 'runtime', 'script:simplest.ts', 'unidist', ... */
  readonly source?: string | undefined;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger whose records carry `source`. */
  child(source: string): Logger;
  /** Whether records at `level` are kept (skip building a message nobody will read). Absent = yes. */
  enabled?(level: Exclude<LogLevel, 'silent'>): boolean;
}

export type LogSink = (record: LogRecord) => void;

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function levelEnabled(threshold: LogLevel, level: LogLevel): boolean {
  return RANK[level] >= RANK[threshold];
}

export function createLogger(sink: LogSink, threshold: LogLevel = 'info', source?: string, now: () => number = Date.now): Logger {
  const emit = (level: Exclude<LogLevel, 'silent'>, msg: string, fields?: Record<string, unknown>): void => {
    if (!levelEnabled(threshold, level)) return;
    sink({ level, msg, fields, time: now(), source });
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (s) => createLogger(sink, threshold, source ? `${source}:${s}` : s, now),
    enabled: (level) => levelEnabled(threshold, level),
  };
}

/** Human-readable line: `12:00:01 info  [runtime] Starting RunThread: simplest`. */
export function formatLogRecord(r: LogRecord): string {
  const d = new Date(r.time);
  const hh = String(d.getHours()).padStart(2, '0');
  const mm = String(d.getMinutes()).padStart(2, '0');
  const ss = String(d.getSeconds()).padStart(2, '0');
  const src = r.source ? `[${r.source}] ` : '';
  const extra = r.fields && Object.keys(r.fields).length > 0 ? ` ${JSON.stringify(r.fields)}` : '';
  return `${hh}:${mm}:${ss} ${r.level.padEnd(5)} ${src}${r.msg}${extra}`;
}

/** A logger that drops everything. */
export const silentLogger: Logger = createLogger(() => undefined, 'silent');
