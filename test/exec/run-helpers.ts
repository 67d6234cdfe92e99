/** Shared set-up for the exec integration tests (real worker threads, built dist/). */
import { fileURLToPath } from 'node:url';
import { createLogger, type LogRecord } from '../../dist/core/logger.js';
import type { ScriptCall } from '../../dist/exec/index.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/scripts/', import.meta.url));

export function call(script: string, extra: Partial<ScriptCall> = {}): ScriptCall {
  return {
    script: script.startsWith('/') ? script : FIXTURES + script,
    pipeData: {},
    block: null,
    requestState: {},
    inputData: {},
    tag: 'run',
    cwd: FIXTURES,
    env: {},
    blockParent: {},
    ...extra,
  };
}

/** A logger that records, with a way to wait for the first record matching a predicate. */
export function recordingLogger(): {
  records: LogRecord[];
  logger: ReturnType<typeof createLogger>;
  waitFor(pred: (r: LogRecord) => boolean): Promise<LogRecord>;
} {
  const records: LogRecord[] = [];
  const waiters: { pred: (r: LogRecord) => boolean; resolve: (r: LogRecord) => void }[] = [];
  const logger = createLogger((r) => {
    records.push(r);
    for (const w of [...waiters]) {
      if (w.pred(r)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(r);
      }
    }
  }, 'debug');
  const waitFor = (pred: (r: LogRecord) => boolean): Promise<LogRecord> => {
    const found = records.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => waiters.push({ pred, resolve }));
  };
  return { records, logger, waitFor };
}
