/**
 * Start the script runner (and its first worker thread) before the block is loaded: the worker
 * boots on the second core while the main thread imports the engine and reads and validates the
 * block. This module imports only the exec layer, so it is quick to load.
 */
import type { Logger } from '../core/logger.js';
import { createScriptRunner } from '../exec/script-runner.js';
import type { ScriptRunner } from '../exec/types.js';
import type { Unidist } from '../unidist/types.js';
import { deferredUnidist } from './deferred-unidist.js';

export interface EarlyScriptRunner {
  readonly runner: ScriptRunner;
  /** Connect the runner's workers to the runtime's unidist (calls made before wait for it). */
  connect(unidist: Unidist): void;
}

export function startScriptRunner(options: {
  readonly logger: Logger;
  readonly scriptTimeoutMs?: number | undefined;
  readonly env: Readonly<Record<string, string>>;
}): EarlyScriptRunner {
  let connect!: (u: Unidist) => void;
  const ready = new Promise<Unidist>((r) => (connect = r));
  const runner = createScriptRunner({
    unidist: deferredUnidist(ready),
    logger: options.logger,
    defaultTimeoutMs: options.scriptTimeoutMs,
    env: { ...options.env },
  });
  return { runner, connect };
}
