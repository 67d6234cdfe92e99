import type { Clock, TimerHandle } from '../../src/core/clock.js';
import { createLogger, type LogRecord, type Logger } from '../../src/core/logger.js';
import type { ScriptOutcome } from '../../src/exec/types.js';
import type { RunThreadSpec } from '../../src/schedule/types.js';

export function outcome(returned: Record<string, unknown> = {}): ScriptOutcome {
  return { returned, returnedNonObject: false, pipeDataSet: {}, pipeDataDeleted: [], durationMs: 0 };
}

export function spec(id: string, intervalMs: number, tick: RunThreadSpec['tick']): RunThreadSpec {
  return { id, intervalMs, script: `${id}.ts`, item: { script: `${id}.ts`, cache: intervalMs / 1000 }, baseDir: '/tmp', tick };
}

/** A logger that keeps its records for assertions. */
export function memoryLogger(): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  return { logger: createLogger((r) => records.push(r), 'debug'), records };
}

export { seededRandom } from '../helpers/seeded-random.js';

/** A promise with its resolve/reject exposed. */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Wraps a clock so that chosen timers fire late (as when the event loop is blocked): `lateBy`
 * is consulted for every setTimeout call with its 0-based call index.
 */
export class LaggyClock implements Clock {
  private calls = 0;
  constructor(
    private readonly inner: Clock,
    private readonly lateBy: (call: number) => number,
  ) {}
  now(): number {
    return this.inner.now();
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.inner.setTimeout(fn, ms + this.lateBy(this.calls++));
  }
}
