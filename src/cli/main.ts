/**
 * `procblock [runtime options] <block.yaml> [block options] [block args]` (SPEC §1, §4).
 * stdout carries only the result; everything else goes to stderr.
 *
 * Start-up order matters (a one-shot block should cost little more than Node itself): the
 * script runner's first worker is started before the engine and the block are loaded, so the
 * two threads boot side by side. Heavy modules are therefore imported dynamically here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InputError, formatError, isProcblockError } from '../core/errors.js';
import { systemClock } from '../core/clock.js';
import { stringEnv } from '../core/env.js';
import { createLogger, formatLogRecord, type Logger } from '../core/logger.js';
import type { LoadedBlock } from '../config/types.js';
import type { EarlyScriptRunner } from '../runtime/early-runner.js';
import { blockBaseName, defaultPidFile, defaultStateDir } from '../runtime/state-dir.js';
import { isDaemonChild, writePidFile } from '../runtime/daemon.js';
import type { DaemonReadiness } from '../runtime/daemon-start.js';
import { lazyDropstar } from '../web/lazy-host.js';
import { parseBlockArgs } from './block-args.js';
import { errorReport } from './error-report.js';
import { misplacedOptionHint, misplacedOptionWarnings } from './misplaced-options.js';
import { latchHangups } from './hangup.js';
import { formatResult } from './output.js';
import { guardStdio, isClosedPipe } from './stdio-guard.js';
import { StopRequest, type StopSignal } from './stop-request.js';
import { parseCommandLine, runtimeHelpText, type RuntimeCliOptions } from './runtime-options.js';
import { bannerText, blockUsageText } from './usage-text.js';
import { packageVersion } from './version.js';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Register a handler for SIGINT/SIGTERM; returns a function that removes it. */
  onSignal(handler: (signal: StopSignal) => void): () => void;
  /** Leave at once (a second Ctrl-C). */
  exitNow(code: number): never;
  /** Register a handler for SIGHUP (hot reload); returns a function that removes it. */
  onHangup?(handler: () => void): () => void;
  /** Present when stderr is a terminal (the status line is drawn there). */
  readonly stderrTty?: { columns(): number } | undefined;
  /** Tell `listener` when writing stdout fails (EPIPE: the reader went away); returns an unsubscribe function. */
  onStdoutFailed?(listener: (error: NodeJS.ErrnoException) => void): () => void;
  /** Signals that arrived while the CLI was still loading (bin/procblock.js keeps them). */
  readonly earlySignals?: readonly StopSignal[] | undefined;
}

const stdio = guardStdio(() => process.stdout, () => process.stderr);

export const processIo: CliIo = {
  stdout: (t) => stdio.stdout(t),
  stderr: (t) => stdio.stderr(t),
  onStdoutFailed: (listener) => stdio.onStdoutFailed(listener),
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
  // A closed stdout (EPIPE) ends any command quietly with its own code; another write error
  // (a full disk behind `> file`) is reported and exits 1. See stdio-guard.ts.
  let failure: NodeJS.ErrnoException | undefined;
  const unwatch = io.onStdoutFailed?.((e) => (failure = e));
  try {
    const code = await command(argv, io);
    if (failure === undefined || isClosedPipe(failure)) return code;
    io.stderr(`error: cannot write to stdout: ${failure.message}\n`);
    return 1;
  } finally {
    unwatch?.();
  }
}

async function command(argv: readonly string[], io: CliIo): Promise<number> {
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
      const report = errorReport(e, false);
      io.stderr(`${report.text}\n`);
      return report.exitCode;
    }
  }
  let options: RuntimeCliOptions | undefined;
  let early: EarlyScriptRunner | undefined;
  let stop: StopRequest | undefined;
  // Set in a daemon child: tells the waiting parent when the first result is out, or the error.
  let readiness: DaemonReadiness | undefined;
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
      // From here on a first Ctrl-C is a graceful stop, whatever phase the run is in (docs/cli.md).
      stop = new StopRequest(io, logger, io.earlySignals);
      if (isDaemonChild(io.env)) readiness = (await import('../runtime/daemon-start.js')).daemonReadiness();
      const { startScriptRunner } = await import('../runtime/early-runner.js');
      early = startScriptRunner({ logger, scriptTimeoutMs: options.scriptTimeout > 0 ? options.scriptTimeout * 1000 : undefined, env: stringEnv(io.env) });
    }
    const file = path.resolve(io.cwd, cmd.file);
    // Runs use the loaded-block cache (unchanged blocks skip the YAML parser and the validator,
    // see src/config/loaded-block-cache.ts); --check (check-command.ts) always validates for real.
    const block = await (await import('../config/loaded-block-cache.js')).checkBlockCached(file);
    if (options.stop) return await (await import('./daemon-command.js')).stopDaemonCommand(block, options, io);

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
    if (stop === undefined) throw new Error('internal: a block run without a stop request');
    if (block.usage?.daemon && !isDaemonChild(io.env)) {
      await early?.runner.close(0);
      early = undefined;
      const { startDaemonCommand } = await import('./daemon-command.js');
      return await startDaemonCommand({ block, fileShown: cmd.file, argv, entry: process.argv[1] as string, options, io, stop });
    }
    const scripts = early;
    early = undefined; // the runtime owns it from here
    return await run(block, parsed.input, options, io, logger, scripts, stderr, stop, readiness);
  } catch (e) {
    const report = errorReport(e, options?.logLevel === 'debug');
    io.stderr(`${report.text}\n`);
    await readiness?.failed(report.exitCode, report.text);
    return report.exitCode;
  } finally {
    readiness?.close();
    stop?.dispose();
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
  stop: StopRequest,
  readiness: DaemonReadiness | undefined,
): Promise<number> {
  const banner = bannerText(block.usage);
  if (banner && !options.quiet) io.stderr(`${banner}\n`);

  const removePid = block.usage?.daemon && isDaemonChild(io.env) ? writePidFile(block.usage.pidfile ?? defaultPidFile(block.file)) : undefined;
  let runtime;
  try {
    await testHold('before-runtime', io, stop);
    if (stop.reason !== undefined) {
      removePid?.();
      return await stoppedBeforeStart(logger, stop, early);
    }
    const { Runtime } = await import('../runtime/runtime.js');
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
  let metricsServer: { close(): Promise<void> } | undefined;
  if (options.metrics) {
    try {
      metricsServer = await startMetrics(rt, options, io, logger);
    } catch (e) {
      await rt.stop('error');
      removePid?.();
      throw e;
    }
  }
  const unsubscribe = stop.onRequest((reason) => void rt.stop(reason));
  const unwatchStdout = io.onStdoutFailed?.(() => stop.request('stdout closed'));
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
      processed = stop.reason === undefined ? await (live ? live.start() : rt.run(block, { inputData })) : undefined;
    } catch (e) {
      if (stop.reason === undefined) throw e;
      // Whatever a stop made the processing end with (aborted, a script terminated at the
      // deadline, a runner closed under it), a requested stop is a clean one: exit 0.
      logger.info(`Processing was cut short by the stop (${stop.reason}): ${isProcblockError(e) ? `[${e.code}] ` : ''}${firstLine(e)}`);
    }
    if (processed === undefined) {
      await rt.stop(stop.reason);
      return 0;
    }
    io.stdout(await formatResult(processed.result, options.format));
    await readiness?.ready();
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
    unsubscribe();
    unwatchStdout?.();
    await (await reloading)?.close();
    hangups?.close();
    await metricsServer?.close();
    removePid?.();
  }
}

/** `--metrics`: /metrics and /events on their own small server (src/metrics/server.ts). */
async function startMetrics(rt: import('../runtime/runtime.js').Runtime, options: RuntimeCliOptions, io: CliIo, logger: Logger): Promise<{ close(): Promise<void> }> {
  const address = options.metrics as NonNullable<RuntimeCliOptions['metrics']>;
  let token: string | undefined;
  if (options.metricsTokenFile !== undefined) {
    const file = path.resolve(io.cwd, options.metricsTokenFile);
    try {
      token = readFileSync(file, 'utf8').trim();
    } catch (e) {
      throw new InputError('PB_ERR_FILE_UNREADABLE', `--metrics-token-file: cannot read ${file}: ${(e as Error).message}`, { cause: e });
    }
    if (token === '') throw new InputError('PB_ERR_USAGE', `--metrics-token-file: ${file} is empty; put the bearer token in it`);
  }
  const [{ startMetricsServer }, metrics] = await Promise.all([import('../metrics/server.js'), rt.metrics()]);
  const server = await startMetricsServer({
    host: address.host,
    port: address.port,
    metrics,
    events: rt.events,
    token,
    insecure: options.metricsInsecure,
    logger: logger.child('metrics'),
  });
  logger.info(`Metrics: ${server.url}/metrics, events: ${server.url}/events${token ? ' (bearer token required)' : ''}`);
  return server;
}

async function stoppedBeforeStart(logger: Logger, stop: StopRequest, early: EarlyScriptRunner | undefined): Promise<number> {
  logger.info(`Stopped before processing started (${stop.reason ?? 'stop'})`);
  await early?.runner.close(0);
  return 0;
}

/**
 * Tests only: `PROCBLOCK_TEST_HOLD=<phase>` makes a run wait at that start-up phase until a stop
 * is asked for, announcing it on stderr, so that a signal can be sent at exactly that moment.
 */
async function testHold(phase: string, io: CliIo, stop: StopRequest): Promise<void> {
  if (io.env.PROCBLOCK_TEST_HOLD !== phase) return;
  io.stderr(`procblock: test hold at ${phase}: waiting for a signal\n`);
  // A signal handler does not keep Node's event loop alive; this timer does, until the signal.
  const keepAlive = setInterval(() => undefined, 60_000);
  await new Promise<void>((resolve) => stop.onRequest(() => resolve()));
  clearInterval(keepAlive);
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}
