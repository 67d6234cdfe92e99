/**
 * The runtime composes everything under one lifecycle: unidist, the script and shell runners,
 * RunThreads with their time-series collectors, and the engine. OPEN → STOPPING → CLOSED;
 * `stop()` returns the same promise every time.
 *
 * Stopping (SPEC §4): release `__running`, close the web server (stop accepting, end `/events`,
 * let requests in flight finish within the deadline), abort every ctx.signal, stop scheduling
 * ticks, wait for in-flight runs up to the deadline (then terminate their workers), write every
 * pending time-series sample and graph, persist unidist, close.
 */
import path from 'node:path';
import type { Clock } from '../core/clock.js';
import { settledWithin, systemClock } from '../core/clock.js';
import { IdTable } from '../core/id-table.js';
import { stringEnv } from '../core/env.js';
import type { Logger } from '../core/logger.js';
import type { LazyAbortController } from '../core/lazy-abort.js';
import { silentLogger } from '../core/logger.js';
import { RuntimeFailure } from '../core/errors.js';
import type { LoadedBlock } from '../config/types.js';
import type { ScriptRunner, ShellRunner } from '../exec/types.js';
import { createScriptRunner } from '../exec/script-runner.js';
import { isPlainDataBlock, processBlock } from '../engine/process-block.js';
import type { ProcessResult, ResponseFields } from '../engine/types.js';
import type { LockHandle, Unidist } from '../unidist/types.js';
import type { CreateUnidistOptions } from '../unidist/index.js';
import { observeUnidist } from '../unidist/observe.js';
import { lazyUnidist } from './deferred-unidist.js';
import { LazyShellRunner } from './lazy-shell-runner.js';
import { LiveBlock, type LiveProcessing } from './live-block.js';
import { LiveEventBus, type LiveEvents, type ReloadEvent } from './live-events.js';
import { RunAborts } from './run-aborts.js';
import { RunThreadManager } from './run-thread-manager.js';
import { replacingWebHost, type RuntimeWebHost, type WebHostFactory, type WebRuntime } from './web-host.js';
import type { TickObservers } from './tick-observers.js';
import type { RuntimeMetrics } from '../metrics/runtime-metrics.js';
import { StatusFile } from './status-file.js';
import type { RuntimeSnapshot } from './status-snapshot.js';
import { TrackedScriptRunner } from './tracked-scripts.js';

export interface RuntimeOptions {
  readonly logger?: Logger | undefined;
  readonly clock?: Clock | undefined;
  /** unidist persistence folder; undefined = no persistence. Ignored when `unidist` is given. */
  readonly stateDir?: string | undefined;
  /** Use this unidist instead of creating one (it is not closed by the runtime). */
  readonly unidist?: Unidist | undefined;
  /**
   * Which back end to open when `unidist` is not given (default: memory, persisted in
   * `stateDir`). `{ backend: 'redis', url, prefix }` shares everything with every process using
   * that Redis and prefix.
   */
  readonly unidistBackend?: Pick<CreateUnidistOptions, 'backend' | 'url' | 'prefix' | 'callTimeout'> | undefined;
  /** Default script timeout in ms (undefined = none). */
  readonly scriptTimeoutMs?: number | undefined;
  /** How long stop() waits for in-flight runs before terminating them. Default 10 s. */
  readonly stopTimeoutMs?: number | undefined;
  /** Environment for scripts and shell items. Default: process.env. */
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly maxThreads?: number | undefined;
  /** Calls of one script a worker thread runs at once (exec/script-runner.ts). Default 16. */
  readonly callsPerWorker?: number | undefined;
  /** A script runner started earlier (see `startScriptRunner`); the runtime owns it from now on. */
  readonly scripts?: ScriptRunner | undefined;
  /** Makes the web server that a block's `dropstar:` tag starts (SPEC §7); without it the tag fails. */
  readonly web?: WebHostFactory | undefined;
  /**
   * Keep a status file (`status.json` in `stateDir`, see status-file.ts) for `procblock status`:
   * the block file and its name. The CLI sets it for long-running blocks.
   */
  readonly status?: { readonly block: string; readonly name?: string | undefined; readonly intervalMs?: number | undefined } | undefined;
  /**
   * Where alert states persist across restarts. Default: `<stateDir>.alerts.json` beside the
   * unidist state folder when `stateDir` is given, else not persisted.
   */
  readonly alertStateFile?: string | undefined;
}

export interface RunInput {
  readonly inputData?: Record<string, unknown> | undefined;
  readonly pipeData?: Record<string, unknown> | undefined;
  readonly requestState?: Readonly<Record<string, unknown>> | undefined;
  /** Web requests: `requestState.response`, updated in place by scripts. */
  readonly response?: ResponseFields | undefined;
  /** Web pages: HTML-escape templates. */
  readonly htmlTemplates?: boolean | undefined;
  /** Timeout (ms) of script calls whose item sets none. */
  readonly scriptTimeoutMs?: number | undefined;
  /** Aborts this run only (the runtime's stop aborts every run). */
  readonly signal?: AbortSignal | undefined;
  /**
   * A controller of this run's own (instead of `signal`): the run uses it, and the runtime's stop
   * aborts it too. Its AbortSignal is made only if the run needs one (web requests: saves
   * making one, and a second controller, per request).
   */
  readonly abort?: LazyAbortController | undefined;
}

type State = 'open' | 'stopping' | 'closed';

export class Runtime {
  readonly unidist: Unidist;
  readonly logger: Logger;
  private readonly clock: Clock;
  private readonly scripts: TrackedScriptRunner;
  private readonly shell: ShellRunner;
  private readonly threads: RunThreadManager;
  private readonly bus: LiveEventBus;
  private readonly web: RuntimeWebHost | undefined;
  private readonly ownsUnidist: boolean;
  private readonly sharedUnidist: boolean;
  private readonly stopTimeoutMs: number;
  private readonly env: Readonly<Record<string, string>>;
  private readonly aborts = new RunAborts();
  /** Runs and background work in flight, for stop() (an IdTable: they come and go all the time). */
  private readonly inFlight = new IdTable<Promise<unknown>>();
  private readonly alertStateFile: string | undefined;
  /** Windows, derived series, alerts: loaded when the first RunThread starts. */
  private observers: Promise<TickObservers> | undefined;
  /** The same, once loaded (for synchronous snapshots). */
  private loadedObservers: TickObservers | undefined;
  private readonly blocks = new Set<LoadedBlock>();
  private metricsPromise: Promise<RuntimeMetrics> | undefined;
  private running: LockHandle | undefined;
  private state: State = 'open';
  private stopPromise: Promise<void> | undefined;
  private resolveStopped!: () => void;
  private readonly statusFile: StatusFile | undefined;
  /** Resolves when the runtime has stopped (for long-running blocks). */
  readonly stopped: Promise<void>;

  private constructor(backend: Unidist, ownsUnidist: boolean, options: RuntimeOptions) {
    this.logger = options.logger ?? silentLogger;
    // A shared back end reports every process's changes itself (Redis: its changes feed); else
    // every unidist call (engine tags, scripts in workers, the web side) goes through the
    // observer, so live pages learn about counter, state and queue changes.
    const feed = backend.changes;
    this.bus = new LiveEventBus(this.logger, feed);
    const bus = this.bus;
    const unidist = feed
      ? backend
      : observeUnidist(backend, (change) => {
          if (bus.listening) bus.emit(change);
        });
    this.unidist = unidist;
    this.ownsUnidist = ownsUnidist;
    this.sharedUnidist = options.unidist === undefined && options.unidistBackend?.backend === 'redis';
    this.clock = options.clock ?? systemClock;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
    // Frozen: script calls then send it to each worker once, not with every call (exec/kept-value.ts).
    this.env = Object.freeze({ ...(options.env ?? stringEnv(process.env)) });
    this.scripts = new TrackedScriptRunner(
      options.scripts ??
        createScriptRunner({
          unidist,
          logger: this.logger,
          defaultTimeoutMs: options.scriptTimeoutMs,
          maxThreads: options.maxThreads,
          callsPerWorker: options.callsPerWorker,
          env: this.env,
        }),
    );
    this.shell = new LazyShellRunner();
    this.alertStateFile = options.alertStateFile ?? (options.stateDir === undefined ? undefined : `${options.stateDir}.alerts.json`);
    this.threads = new RunThreadManager({
      clock: this.clock,
      logger: this.logger,
      unidist,
      events: this.bus,
      observe: async (spec, collect, status) => (await this.tickObservers()).attach(spec, collect, status),
    });
    this.stopped = new Promise((r) => (this.resolveStopped = r));
    this.web = options.web?.(this.webRuntime());
    if (options.status && options.stateDir !== undefined) {
      this.statusFile = new StatusFile({
        stateDir: options.stateDir,
        block: options.status.block,
        name: options.status.name,
        intervalMs: options.status.intervalMs,
        clock: this.clock,
        logger: this.logger,
        snapshot: () => this.snapshot(),
      });
      this.statusFile.start();
    }
  }

  /** What the runtime is doing now: its state and every RunThread's live counts. */
  snapshot(): RuntimeSnapshot {
    const state = this.state === 'open' ? 'running' : this.state === 'stopping' ? 'stopping' : 'stopped';
    const alerts = this.loadedObservers?.alerts.snapshot().map((a) => ({
      thread: a.thread,
      alert: a.alert,
      state: a.state,
      since: a.since / 1000,
      value: Number.isFinite(a.value) ? a.value : null,
    }));
    return { state, threads: this.threads.snapshot(), alerts };
  }

  /** RunThread ticks, alert transitions and unidist changes as they happen. */
  get events(): LiveEvents {
    return this.bus;
  }

  /** Tell live pages (`/events`) that the block was hot-reloaded (SPEC §8). */
  announceReload(event: Omit<ReloadEvent, 'kind'>): void {
    if (this.bus.listening) this.bus.emit({ kind: 'reload', ...event });
  }

  /**
   * The runtime's Prometheus metrics (SPEC §9), created on first call: serve `render()` at a
   * `/metrics` route (`metricsHandler` in src/metrics/handler.ts). Threads already running are
   * included; lateness is observed from then on.
   */
  metrics(): Promise<RuntimeMetrics> {
    this.metricsPromise ??= (async () => {
      const [{ RuntimeMetrics }, observers] = await Promise.all([import('../metrics/runtime-metrics.js'), this.tickObservers()]);
      const m = new RuntimeMetrics(observers.metricsSources());
      observers.enableMetrics(m);
      return m;
    })();
    return this.metricsPromise;
  }

  private tickObservers(): Promise<TickObservers> {
    this.observers ??= import('./tick-observers.js').then(({ TickObservers }) => {
      const o = new TickObservers({
        clock: this.clock,
        logger: this.logger,
        unidist: this.unidist,
        alertStateFile: this.alertStateFile,
        events: this.bus,
      });
      for (const b of this.blocks) o.prepare(b);
      this.loadedObservers = o;
      return o;
    });
    return this.observers;
  }

  /** The narrow view the web server is built on. */
  private webRuntime(): WebRuntime {
    return {
      logger: this.logger.child('dropstar'),
      clock: this.clock,
      events: this.bus,
      process: (block, input) => this.run(block, input),
      isPlainData: (block) => isPlainDataBlock(block),
      graphs: () => this.threads.graphs(),
      renderGraph: (thread, name, options) => this.threads.renderGraph(thread, name, options),
      metrics: () => this.metrics(),
      alerts: () => this.loadedObservers?.alerts.snapshot() ?? [],
      graphInfo: (thread, name) => this.threads.graphInfo(thread, name),
    };
  }

  static async create(options: RuntimeOptions = {}): Promise<Runtime> {
    const backend = options.unidistBackend ?? { backend: 'memory' };
    const open = async (): Promise<Unidist> => {
      const { createUnidist } = await import('../unidist/index.js');
      return createUnidist({
        ...backend,
        stateDir: backend.backend === 'redis' ? undefined : options.stateDir,
        clock: options.clock,
        logger: options.logger?.child('unidist'),
      });
    };
    // The memory back end opens on first use (deferred-unidist.ts): a block that never uses
    // unidist never opens its state folder. A remote one connects now, so a wrong URL fails at start.
    const unidist = options.unidist ?? (backend.backend === 'redis' ? await open() : lazyUnidist(open));
    return new Runtime(unidist, options.unidist === undefined, options);
  }

  get isStopping(): boolean {
    return this.state !== 'open';
  }

  /**
   * Hold the `__running` lock while a long-running block is alive (SPEC §4). With a shared back
   * end (Redis) several runtimes run side by side by design, so the lock is not taken there: it
   * would stop the second process (`singleton:` is what keeps their work from doubling).
   */
  async holdRunningLock(): Promise<void> {
    if (this.sharedUnidist) {
      this.logger.debug('unidist is shared with other processes: not taking __running');
      return;
    }
    const handle = await this.unidist.lock.acquire('__running', { timeout: 0 });
    if (!handle) throw new RuntimeFailure('PB_ERR_ALREADY_RUNNING', 'the __running lock is held by another runtime on this unidist');
    this.running = handle;
  }

  /** Process a block once. */
  run(block: LoadedBlock, input: RunInput = {}): Promise<ProcessResult> {
    return this.process(block, input, undefined);
  }

  /**
   * The block this runtime runs until it stops, processed by `start()` and hot-reloaded by
   * `swap()` (SPEC §8, see live-block.ts). `pipeData` in `input` is not used (each processing
   * starts from the input data).
   */
  live(block: LoadedBlock, input: RunInput = {}): LiveBlock {
    const { pipeData: _ignored, ...rest } = input;
    return new LiveBlock(block, {
      process: (b, how) => this.process(b, rest, how),
      threads: this.threads,
      reloadScripts: (scripts) => this.scripts.reloadScripts(scripts),
      adoptAbort: (controller) => this.aborts.adopt(controller),
      track: (work) => this.track(work),
      clock: this.clock,
      deadlineMs: this.stopTimeoutMs,
    });
  }

  private async process(block: LoadedBlock, input: RunInput, live: LiveProcessing | undefined): Promise<ProcessResult> {
    if (this.state !== 'open') throw new RuntimeFailure('PB_ERR_CLOSED', 'the runtime is stopping; no new runs are started');
    // Alert and derive windows are sized from the whole block before its first RunThread starts.
    if (!this.blocks.has(block)) {
      this.blocks.add(block);
      if (this.observers) (await this.observers).prepare(block);
    }
    // The live block's processings run under its generation's controller instead (below).
    const own = live ? undefined : input.abort;
    const adopted = own ? this.aborts.adopt(own) : undefined;
    const linked = !live && !own && input.signal ? this.aborts.link(input.signal) : undefined;
    const p = processBlock(block, {
      inputData: input.inputData,
      pipeData: input.pipeData,
      requestState: input.requestState,
      response: input.response,
      htmlTemplates: input.htmlTemplates,
      scriptTimeoutMs: input.scriptTimeoutMs,
      // The live block's processings run under its generation's controller (adopted by the
      // runtime's stop for as long as that generation lives: its run simultaneous lists outlive
      // the processing).
      signal: live ? live.signal : own ? undefined : (linked?.signal ?? this.aborts.signal),
      abort: own,
      cwd: block.usage?.cwd ?? path.dirname(block.file),
      services: {
        scripts: this.scripts,
        shell: this.shell,
        unidist: this.unidist,
        logger: this.logger,
        clock: this.clock,
        runThreads: live?.runThreads ?? this.threads,
        env: this.env,
        background: block.usage?.longrunning ? (live?.background ?? ((work) => this.track(work))) : undefined,
        web: live?.replacing && this.web ? replacingWebHost(this.web) : this.web,
      },
    });
    const id = this.inFlight.add(p);
    try {
      return await p;
    } finally {
      this.inFlight.delete(id);
      adopted?.unlink();
      linked?.unlink();
    }
  }

  /** Keep `work` in flight until it settles: stop() waits for it (up to the deadline). */
  private track(work: Promise<unknown>): void {
    const p = work.catch(() => undefined);
    const id = this.inFlight.add(p);
    void p.then(() => this.inFlight.delete(id));
  }

  /** Stop gracefully. Idempotent: the same promise every time. */
  stop(reason = 'stop requested'): Promise<void> {
    this.stopPromise ??= this.doStop(reason);
    return this.stopPromise;
  }

  private async doStop(reason: string): Promise<void> {
    this.state = 'stopping';
    this.statusFile?.update();
    const log = this.logger;
    const started = this.clock.now();
    if (this.threads.count > 0 || this.inFlight.size > 0) log.info(`Stopping (${reason})...`);
    if (this.running) {
      log.debug('Releasing lock: __running');
      await this.running.release();
      this.running = undefined;
    }
    // Web requests in flight finish before anything they may use is stopped.
    if (this.web) await this.web.close(Math.max(0, started + this.stopTimeoutMs - this.clock.now()));
    const stopping = new RuntimeFailure('PB_ERR_ABORTED', `runtime stopping: ${reason}`);
    this.aborts.abortAll(stopping);
    this.scripts.abortAll(reason);

    const deadline = started + this.stopTimeoutMs;
    const waiting = this.scripts.inFlight + this.inFlight.size;
    if (waiting > 0) log.info(`Waiting up to ${seconds(this.stopTimeoutMs)} for ${waiting} running item(s) to finish`);
    await this.threads.stopAll(Math.max(0, deadline - this.clock.now()));
    if (this.inFlight.size > 0) await settledWithin(Promise.allSettled(this.inFlight.values()), Math.max(0, deadline - this.clock.now()), this.clock);
    // Alert procedures use the script and shell runners: they finish (or are abandoned) first.
    if (this.observers) await (await this.observers).stop(Math.max(0, deadline - this.clock.now()));
    const left = this.scripts.runningScripts();
    if (left.length > 0) {
      log.warn(`Terminating ${this.scripts.inFlight} script(s) still running after the ${seconds(this.stopTimeoutMs)} stop deadline: ${left.join(', ')}`);
    }
    await this.scripts.close(Math.max(0, deadline - this.clock.now()));
    await this.shell.close(1000);

    await this.threads.flush();
    // Before unidist closes: that releases the state folder another process may then take.
    this.statusFile?.close('stopped');
    if (this.ownsUnidist) await this.unidist.close();
    else await this.unidist.flush();
    this.state = 'closed';
    this.resolveStopped();
    log.debug(`Stopped after ${((this.clock.now() - started) / 1000).toFixed(2)} s`);
  }
}

/** `10 s`, `0.3 s`: the deadline as the user gave it (`--stop-timeout`). */
function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
