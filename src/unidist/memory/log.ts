import { InputError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { LeveledLog } from '../leveled-log.js';
import type { UnidistLogLevel } from '../types.js';
import { describe } from './validate.js';

const LEVELS: ReadonlySet<string> = new Set(['debug', 'info', 'warn', 'error']);

/** unidist log lines land in the runtime's log (the Logger given in options). */
export class LoggerUnidistLog extends LeveledLog {
  constructor(private readonly logger: Logger) {
    super();
  }

  async write(level: UnidistLogLevel, msg: string, fields?: Record<string, unknown>): Promise<void> {
    if (!LEVELS.has(level)) {
      throw new InputError('PB_ERR_INVALID_ARGUMENT', `log level must be one of debug, info, warn, error, got ${describe(level)}`);
    }
    this.logger[level](String(msg), fields);
  }
}
