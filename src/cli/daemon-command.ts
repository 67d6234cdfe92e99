/**
 * The daemon side of the command line (SPEC §4, docs/cli.md): starting a `daemon: true` block
 * (the parent waits until the child is ready, and fails with the child's error and exit code
 * when it is not), and `procblock --stop block.yaml`.
 */
import { formatError } from '../core/errors.js';
import type { LoadedBlock } from '../config/types.js';
import { assertNotRunning, stopDaemon } from '../runtime/daemon.js';
import { DaemonStartFailure, startDaemon } from '../runtime/daemon-start.js';
import { defaultLogFile, defaultPidFile } from '../runtime/state-dir.js';
import type { RuntimeCliOptions } from './runtime-options.js';
import type { StopRequest } from './stop-request.js';

export interface DaemonCommandIo {
  stderr(text: string): void;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/** Start the block as a daemon; resolves with the exit code of this (parent) process. */
export async function startDaemonCommand(args: {
  readonly block: LoadedBlock;
  /** The block file as the user gave it (for the hint printed). */
  readonly fileShown: string;
  /** The whole command line, re-run by the child. */
  readonly argv: readonly string[];
  readonly entry: string;
  readonly options: RuntimeCliOptions;
  readonly io: DaemonCommandIo;
  readonly stop: StopRequest;
}): Promise<number> {
  const { block, io, options } = args;
  // The child checks again when it writes the pidfile (a race with another start); checking
  // here first keeps a second start out of the running daemon's log.
  assertNotRunning(block.usage?.pidfile ?? defaultPidFile(block.file));
  const logFile = block.usage?.logfile ?? defaultLogFile(block.file);
  const start = startDaemon({
    argv: [args.entry, ...args.argv],
    logFile,
    cwd: io.cwd,
    env: io.env,
    readyTimeoutMs: options.startTimeout * 1000,
    stopGraceMs: (options.stopTimeout + 5) * 1000,
  });
  if (!options.quiet) io.stderr(`procblock: starting daemon pid ${start.pid}; waiting for its first result (log: ${logFile})\n`);
  const unsubscribe = args.stop.onRequest(() => start.cancel());
  try {
    await start.ready;
  } catch (e) {
    if (!(e instanceof DaemonStartFailure)) throw e;
    if (args.stop.reason !== undefined) {
      io.stderr(`procblock: ${e.message}\n`);
      return 0; // Ctrl-C while starting: a graceful stop, nothing left running
    }
    if (e.childReport) io.stderr(e.childReport.endsWith('\n') ? e.childReport : `${e.childReport}\n`);
    else if (e.logExcerpt) io.stderr(`${e.logExcerpt}\n`);
    io.stderr(`${formatError(e)}\n`);
    return e.childExitCode === 0 ? 1 : e.childExitCode;
  } finally {
    unsubscribe();
  }
  io.stderr(`procblock: started daemon pid ${start.pid}; log: ${logFile}; stop it with: procblock --stop ${args.fileShown}\n`);
  return 0;
}

export async function stopDaemonCommand(block: LoadedBlock, options: RuntimeCliOptions, io: DaemonCommandIo): Promise<number> {
  const pidFile = block.usage?.pidfile ?? defaultPidFile(block.file);
  const pid = await stopDaemon(pidFile, (options.stopTimeout + 5) * 1000);
  if (!options.quiet) io.stderr(`procblock: stopped daemon pid ${pid}\n`);
  return 0;
}
