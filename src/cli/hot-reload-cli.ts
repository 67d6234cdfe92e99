/**
 * Hot reload for a long-running block run from the CLI (SPEC §8): with `--watch`, file changes
 * reload; SIGHUP always does (as daemons are expected to), with or without `--watch`. Loaded only
 * for long-running blocks, after the first result is printed.
 */
import { systemClock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { LoadedBlock } from '../config/types.js';
import { HotReload } from '../reload/hot-reload.js';
import type { ReloadFields } from '../reload/reload-line.js';
import type { LiveBlock } from '../runtime/live-block.js';
import type { HangupLatch } from './hangup.js';

export interface CliReloadOptions {
  readonly live: LiveBlock;
  readonly block: LoadedBlock;
  readonly watch: boolean;
  readonly debounceMs: number;
  readonly scriptTimeoutMs: number | undefined;
  readonly logger: Logger;
  /** SIGHUPs, caught since the block started (undefined: none can come). */
  readonly hangups: HangupLatch | undefined;
  /** Where each reload's outcome goes besides the log (the runtime's `/events`). */
  readonly announce: (fields: ReloadFields) => void;
}

export interface CliReload {
  close(): Promise<void>;
}

export async function startCliReload(options: CliReloadOptions): Promise<CliReload> {
  const logger = options.logger.child('reload');
  const hr = await HotReload.create(options.block, {
    live: options.live,
    logger,
    clock: systemClock,
    watch: options.watch,
    debounceMs: options.debounceMs,
    scriptLoadTimeoutMs: options.scriptTimeoutMs,
    announce: options.announce,
  });
  options.hangups?.attach(() => {
    logger.info('SIGHUP received: reloading the block');
    void hr.reload('SIGHUP');
  });
  return {
    async close() {
      options.hangups?.close();
      await hr.close();
    },
  };
}
