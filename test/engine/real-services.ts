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
import { emptyData } from '../../dist/unidist/memory/data.js';
import { MemoryUnidist } from '../../dist/unidist/memory/memory-unidist.js';
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
  // TODO(createUnidist): switch to the public factory once src/unidist/index.ts lands.
  const unidist: Unidist = new MemoryUnidist({ data: emptyData(), clock, logger: logger.child('unidist'), sink: undefined });
  const scripts = createScriptRunner({ unidist, logger, maxThreads: options.maxThreads ?? 4, minThreads: 1, cacheDir: false });
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
