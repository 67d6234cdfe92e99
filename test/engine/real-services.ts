/**
 * Real components for engine integration tests, from the BUILT package (`dist/`): scripts run in
 * worker threads, which do not go through vitest's transform. Engine, runners and unidist all
 * come from dist so error classes are the same ones on both sides.
 */
import { fileURLToPath } from 'node:url';
import { createLogger, type LogRecord } from '../../dist/core/logger.js';
import type { Clock } from '../../dist/core/clock.js';
import { systemClock } from '../../dist/core/clock.js';
import { createScriptRunner, createShellRunner } from '../../dist/exec/index.js';
import type { EngineServices } from '../../dist/engine/types.js';
import type { RunThreadHost } from '../../dist/schedule/types.js';
import { createUnidist } from '../../dist/unidist/index.js';
import type { Unidist } from '../../dist/unidist/types.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/engine/', import.meta.url));

export interface RealServices {
  readonly services: EngineServices;
  readonly unidist: Unidist;
  readonly logs: LogRecord[];
  close(): Promise<void>;
}

export async function realServices(options: { clock?: Clock; runThreads?: RunThreadHost; maxThreads?: number } = {}): Promise<RealServices> {
  const logs: LogRecord[] = [];
  const logger = createLogger((r) => logs.push(r), 'debug');
  const clock = options.clock ?? systemClock;
  const unidist = await createUnidist({ backend: 'memory', clock, logger: logger.child('unidist') });
  const maxThreads = options.maxThreads ?? 4;
  // Workers are pre-started (minThreads = maxThreads): a worker created on demand can lose its
  // first ctx.unidist request (seen as a rare hang of a fresh worker; reported to exec).
  const scripts = createScriptRunner({ unidist, logger, maxThreads, minThreads: maxThreads, cacheDir: false });
  const shell = createShellRunner({ killGraceMs: 200 });
  const services: EngineServices = { scripts, shell, unidist, logger, clock, env: { PB_TEST_ENV: 'engine' }, runThreads: options.runThreads };
  return {
    services,
    unidist,
    logs,
    async close() {
      await scripts.close(2000);
      await shell.close(500);
      await unidist.close();
    },
  };
}
