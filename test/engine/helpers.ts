/**
 * Shared by engine tests. `pureServices` is for tests that run no scripts, shells or unidist
 * calls: those members fail loudly if the engine reaches them, so a test cannot pass by
 * accident through them.
 */
import type { LogRecord } from '../../src/core/logger.js';
import { createLogger } from '../../src/core/logger.js';
import type { ScriptRunner, ShellRunner } from '../../src/exec/types.js';
import type { EngineServices } from '../../src/engine/types.js';
import type { Unidist } from '../../src/unidist/types.js';
import { FakeClock } from '../helpers/fake-clock.js';

export interface Captured {
  readonly services: EngineServices;
  readonly logs: LogRecord[];
  readonly clock: FakeClock;
}

function unreachable(what: string): never {
  throw new Error(`${what} is not available in a pure engine test`);
}

const noScripts: ScriptRunner = {
  run: () => unreachable('ScriptRunner.run'),
  reloadScripts: () => unreachable('ScriptRunner.reloadScripts'),
  abortAll: () => unreachable('ScriptRunner.abortAll'),
  inFlight: 0,
  close: async () => undefined,
};

const noShell: ShellRunner = {
  run: () => unreachable('ShellRunner.run'),
  close: async () => undefined,
};

const noUnidist = new Proxy({} as Unidist, {
  get: (_t, prop) => unreachable(`unidist.${String(prop)}`),
});

export function pureServices(overrides: Partial<EngineServices> = {}): Captured {
  const logs: LogRecord[] = [];
  const clock = new FakeClock();
  const services: EngineServices = {
    scripts: noScripts,
    shell: noShell,
    unidist: noUnidist,
    logger: createLogger((r) => logs.push(r), 'debug'),
    clock,
    env: {},
    ...overrides,
  };
  return { services, logs, clock };
}
