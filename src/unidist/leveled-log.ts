import type { UnidistLog, UnidistLogLevel } from './types.js';

/** A `UnidistLog` whose level methods all go through `write` (one implementation per back end). */
export abstract class LeveledLog implements UnidistLog {
  abstract write(level: UnidistLogLevel, msg: string, fields?: Record<string, unknown>): Promise<void>;

  debug(msg: string, fields?: Record<string, unknown>): Promise<void> {
    return this.write('debug', msg, fields);
  }

  info(msg: string, fields?: Record<string, unknown>): Promise<void> {
    return this.write('info', msg, fields);
  }

  warn(msg: string, fields?: Record<string, unknown>): Promise<void> {
    return this.write('warn', msg, fields);
  }

  error(msg: string, fields?: Record<string, unknown>): Promise<void> {
    return this.write('error', msg, fields);
  }
}
