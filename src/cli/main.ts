/**
 * `procblock [runtime options] <block.yaml> [block options] [block args]` (SPEC §1, §4).
 * stdout carries only the result; everything else goes to stderr.
 *
 * Start-up order matters (a one-shot block should cost little more than Node itself): the
 * script runner's first worker is started before the engine and the block are loaded, so the
 * two threads boot side by side. Heavy modules are therefore imported dynamically here.
 */
import path from 'node:path';
import { formatError, isProcblockError } from '../core/errors.js';
import { systemClock } from '../core/clock.js';
import { stringEnv } from '../core/env.js';
import { createLogger, formatLogRecord, type Logger } from '../core/logger.js';
import type { LoadedBlock } from '../config/types.js';
import type { EarlyScriptRunner } from '../runtime/early-runner.js';
import { blockBaseName, defaultLogFile, defaultPidFile, defaultStateDir } from '../runtime/state-dir.js';
import { detach, isDaemonChild, stopDaemon, writePidFile } from '../runtime/daemon.js';
import { lazyDropstar } from '../web/lazy-host.js';
import { parseBlockArgs } from './block-args.js';
import { misplacedOptionHint, misplacedOptionWarnings } from './misplaced-options.js';
import { latchHangups } from './hangup.js';
import { formatResult } from './output.js';
import { parseCommandLine, runtimeHelpText, type RuntimeCliOptions } from './runtime-options.js';
import { bannerText, blockUsageText } from './usage-text.js';
import { packageVersion } from './version.js';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Register a handler for SIGINT/SIGTERM; returns a function that removes it. */
  onSignal(handler: (signal: 'SIGINT' | 'SIGTERM') => void): () => void;
  /** Leave at once (a second Ctrl-C). */
  exitNow(code: number): never;
  /** Register a handler for SIGHUP (hot reload); returns a function that removes it. */
  onHangup?(handler: () => void): () => void;
  /** Present when stderr is a terminal (the status line is drawn there). */
  readonly stderrTty?: { columns(): number } | undefined;
}

export const processIo: CliIo = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  cwd: process.cwd(),
  env: process.env,
  onSignal(handler) {
    const onInt = (): void => handler('SIGINT');
    const onTerm = (): void => handler('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    return () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    };
  },
  exitNow: (code) => process.exit(code),
  onHangup(handler) {
    process.on('SIGHUP', handler);
    return () => void process.off('SIGHUP', handler);
  },
  stderrTty: process.stderr.isTTY ? { columns: () => process.stderr.columns || 80 } : undefined,
};

export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  if (argv[0] === 'rrd') {
    // Loaded on demand: the time-series and graph code is not needed to run a block.
    const { runRrdCommand } = await import('./rrd-command.js');
    return runRrdCommand([...argv.slice(1)], { stdout: io.stdout, stderr: io.stderr, cwd: io.cwd });
  }
  if (argv[0] === 'status') {
    try {
      const { runStatusCommand } = await import('./status-command.js');
      return runStatusCommand(argv.slice(1), io);
    } catch (e) {
      return reportError(e, io, undefined);
    }
  }
  let options: RuntimeCliOptions | undefined;
  let early: EarlyScriptRunner | undefined;
  try {
    const cmd = parseCommandLine(argv);
    options = cmd.options;
    if (options.version) {
      io.stdout(`${packageVersion()}\n`);
      return 0;
    }
    if (options.help || cmd.file === undefined) {
      const text = `${runtimeHelpText(packageVersion())}\n`;
      if (options.help) {
        io.stdout(text);
        return 0;
      }
      io.stderr(`${text}\nerror: no block file given\n`);
      return 2;
    }
    if (options.check) {
      const { checkCommand } = await import('./check-command.js');
      const scriptTimeoutMs = options.scriptTimeout > 0 ? options.scriptTimeout * 1000 : undefined;
      return await checkCommand(path.resolve(io.cwd, cmd.file), io, { scriptTimeoutMs, quiet: options.quiet });
    }
    const level = options.quiet && options.logLevel === 'info' ? 'warn' : options.logLevel;
    // Every log line goes through `stderr.write`, which the status line replaces (run-feedback.ts).
    const stderr = { write: io.stderr };
    const logger = createLogger((r) => stderr.write(`${formatLogRecord(r)}\n`), level, 'procblock');
    if (!options.stop) {
      const { startScriptRunner } = await import('../runtime/early-runner.js');
      early = startScriptRunner({ logger, scriptTimeoutMs: options.scriptTimeout > 0 ? options.scriptTimeout * 1000 : undefined, env: stringEnv(io.env) });
    }
    const file = path.resolve(io.cwd, cmd.file);
    // Runs use the loaded-block cache (unchanged blocks skip the YAML parser and the validator,
    // see src/config/loaded-block-cache.ts); --check (check-command.ts) always validates for real.
    const block = await (await import('../config/loaded-block-cache.js')).checkBlockCached(file);
    if (options.stop) return await stop(block, options, io);

    let parsed;
    try {
      parsed = parseBlockArgs(cmd.blockArgv, block.usage);
    } catch (e) {
      const hint = misplacedOptionHint(cmd.blockArgv, block.usage, cmd.file);
      io.stderr(`${blockUsageText(block.usage, cmd.file)}\n\n${formatError(e)}\n${hint ? `${hint}\n` : ''}`);
      return 2;
    }
    for (const warning of misplacedOptionWarnings(cmd.blockArgv, block.usage, cmd.file)) logger.warn(warning);
    if (parsed.help) {
      io.stdout(`${blockUsageText(block.usage, cmd.file)}\n`);
      return 0;
    }
    if (block.usage?.daemon && !isDaemonChild(io.env)) {
      await early?.runner.close(0);
      early = undefined;
      const logFile = block.usage.logfile ?? defaultLogFile(block.file);
      const pid = detach({ argv: [process.argv[1] as string, ...argv], logFile, cwd: io.cwd, env: io.env });
      io.stderr(`procblock: started daemon pid ${pid}; log: ${logFile}; stop it with: procblock --stop ${cmd.file}\n`);
      return 0;
    }
    const scripts = early;
    early = undefined; // the runtime owns it from here
    return await run(block, parsed.input, options, io, logger, scripts, stderr);
  } catch (e) {
    return reportError(e, io, options);
  } finally {
    await early?.runner.close(0);
  }
}

async function run(
  block: LoadedBlock,
  inputData: Record<string, unknown>,
  options: RuntimeCliOptions,
  io: CliIo,
  logger: Logger,
  early: EarlyScriptRunner | undefined,
  stderr: { write: (text: string) => void },
): Promise<number> {
  const banner = bannerText(block.usage);
  if (banner && !options.quiet) io.stderr(`${banner}\n`);

  const removePid = block.usage?.daemon && isDaemonChild(io.env) ? writePidFile(block.usage.pidfile ?? defaultPidFile(block.file)) : undefined;
  const { Runtime } = await import('../runtime/runtime.js');
  let runtime;
  try {
    runtime = await Runtime.create({
      logger,
      stateDir: options.stateDir ? path.resolve(io.cwd, options.stateDir) : defaultStateDir(block.file),
      unidistBackend:
        options.unidist === 'memory'
          ? undefined
          : { backend: 'redis', url: options.unidist, prefix: options.unidistPrefix ?? `procblock:${blockBaseName(block.file)}` },
      scriptTimeoutMs: options.scriptTimeout > 0 ? options.scriptTimeout * 1000 : undefined,
      stopTimeoutMs: options.stopTimeout * 1000,
      scripts: early?.runner,
      env: stringEnv(io.env),
      web: lazyDropstar,
      // `procblock status` reads what a long-running block is doing from its state folder.
      status: block.usage?.longrunning || block.usage?.daemon ? { block: block.file, name: block.usage.name } : undefined,
    });
  } catch (e) {
    await early?.runner.close(0);
    removePid?.();
    throw e;
  }
  early?.connect(runtime.unidist);
  const rt = runtime;
  let signals = 0;
  const removeSignals = io.onSignal((signal) => {
    signals++;
    if (signals > 1) {
      io.stderr(`\n${signal} again: stopping now without waiting (exit 130)\n`);
      io.exitNow(130);
    }
    io.stderr(`\n`);
    logger.info(`${signal} received: stopping gracefully (press Ctrl-C again to force)`);
    void rt.stop(signal);
  });
  const longrunning = block.usage?.longrunning === true;
  // Installed now: SIGHUP's default action would end a long-running block still starting up.
  const hangups = longrunning ? latchHangups(io.onHangup?.bind(io), () => logger.info('SIGHUP received: reloading once the block has started')) : undefined;
  let reloading: Promise<{ close(): Promise<void> } | undefined> | undefined;
  try {
    if (longrunning) await rt.holdRunningLock();
    if (options.watch && !longrunning) {
      logger.warn(`--watch: ${path.basename(block.file)} is not long-running (__usage: {longrunning: true}); it runs once, so there is nothing to reload`);
    }
    // A long-running block can be hot-reloaded (SIGHUP, --watch): it runs as the runtime's live block.
    const live = longrunning ? rt.live(block, { inputData }) : undefined;
    // Hot reload starts beside the first processing (its plan reads the scripts meanwhile), so
    // an edit saved while the block starts is reloaded once it has started.
    reloading = live
      ? import('./hot-reload-cli.js')
          .then(({ startCliReload }) =>
            startCliReload({
              live,
              block,
              watch: options.watch,
              debounceMs: options.watchDebounce * 1000,
              scriptTimeoutMs: options.scriptTimeout > 0 ? options.scriptTimeout * 1000 : undefined,
              logger,
              hangups,
              announce: (fields) => rt.announceReload(fields),
            }),
          )
          .catch((e: unknown) => {
            // The block runs on; only reloading is unavailable.
            logger.error(`hot reload is unavailable: ${formatError(e)}`);
            return undefined;
          })
      : undefined;
    let processed;
    try {
      processed = await (live ? live.start() : rt.run(block, { inputData }));
    } catch (e) {
      // A run cut short by Ctrl-C is a clean stop, not a failure.
      if (rt.isStopping && isProcblockError(e) && e.code === 'PB_ERR_ABORTED') {
        await rt.stop();
        return 0;
      }
      throw e;
    }
    io.stdout(await formatResult(processed.result, options.format));
    if (live && !rt.isStopping) {
      logger.info('Long-running block: running until Ctrl-C (SIGINT) or SIGTERM');
      const { startFeedback } = await import('./run-feedback.js');
      const feedback = startFeedback({
        stderr: io.stderr,
        tty: io.stderrTty,
        clock: systemClock,
        logger,
        snapshot: () => rt.snapshot(),
        intervalMs: options.statusInterval === undefined ? undefined : options.statusInterval * 1000,
        quiet: options.quiet,
      });
      stderr.write = feedback.stderr;
      try {
        await rt.stopped;
      } finally {
        feedback.close();
        stderr.write = io.stderr;
      }
    } else {
      await rt.stop('processing finished');
    }
    return 0;
  } catch (e) {
    await rt.stop('error');
    throw e;
  } finally {
    await (await reloading)?.close();
    removeSignals();
    hangups?.close();
    removePid?.();
  }
}

async function stop(block: LoadedBlock, options: RuntimeCliOptions, io: CliIo): Promise<number> {
  const pidFile = block.usage?.pidfile ?? defaultPidFile(block.file);
  const pid = await stopDaemon(pidFile, (options.stopTimeout + 5) * 1000);
  if (!options.quiet) io.stderr(`procblock: stopped daemon pid ${pid}\n`);
  return 0;
}

function reportError(e: unknown, io: CliIo, options: RuntimeCliOptions | undefined): number {
  const debug = options?.logLevel === 'debug';
  if (isProcblockError(e)) {
    const showStack = e.code === 'PB_ERR_SCRIPT_THROW' || debug;
    io.stderr(`${formatError(e, { stack: showStack })}\n`);
    return e.exitCode;
  }
  io.stderr(`${formatError(e, { stack: true })}\n`);
  return 1;
}
