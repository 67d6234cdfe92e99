/**
 * What happens after each RunThread tick besides time-series collection (SPEC §9), attached per
 * thread by the RunThreadManager: the thread's window gets the tick's sample, derived fields are
 * computed into the result, alerts are evaluated, metrics updated, a tick event posted.
 *
 * Loaded on the first RunThread start (a one-shot block never pays for it). Threads that nobody
 * reads, without alerts, derive, metrics or event listeners cost a few property checks per tick.
 *
 * Per tick, in order (docs/alerts.md, "evaluation"):
 *   1. the sample (the tick's result fields as numbers) goes into the thread's window;
 *   2. derived fields are computed into the result and the sample;
 *   3. (the RunThreadManager writes the result to the time-series file);
 *   4. the thread's alerts are evaluated at the tick's time; transitions log, post, persist, notify;
 *   5. metrics (the RunThreadManager then posts the `tick` live event, derived fields included).
 * A failed tick is a sample with every field unknown; alerts are still evaluated (windows move
 * with time).
 */
import { InputError } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { resolveAlerts, type ConfigProblem } from '../config/alert-config.js';
import { resolveDerive, type DeriveSpec } from '../config/derive-config.js';
import { deriveValue, runThreadItems } from '../config/run-thread-items.js';
import type { LoadedBlock } from '../config/types.js';
import { formatKeyPath } from '../core/errors.js';
import { seriesNeeds, type EvalContext, type RateKind, type SeriesNeed, type SeriesView } from '../language/alert-expr/index.js';
import { AlertManager, type ThreadAlerts } from '../alerts/alert-manager.js';
import { AlertStateFile } from '../alerts/alert-state-file.js';
import { DerivedFields } from '../derive/derived-fields.js';
import type { ScriptOutcome } from '../exec/types.js';
import type { MetricsSources, RuntimeMetrics, ThreadMetrics } from '../metrics/runtime-metrics.js';
import type { RunThreadSpec, RunThreadStatus } from '../schedule/types.js';
import type { CollectConfig } from '../timeseries/collect-config.js';
import type { Unidist } from '../unidist/types.js';
import { refillFromRrd } from '../windows/refill.js';
import type { SampleWindow } from '../windows/sample-window.js';
import { WindowStore } from '../windows/window-store.js';
import type { LiveEventBus } from './live-events.js';
import { blockBaseName } from './state-dir.js';
import path from 'node:path';

export interface TickObserversOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly unidist: Unidist;
  /** Where alert states persist; undefined = not persisted. */
  readonly alertStateFile: string | undefined;
  /** Alert transitions are posted here (the runtime's live events; ticks are posted by the RunThreadManager). */
  readonly events: LiveEventBus;
}

interface ItemConfig {
  readonly alerts: ReturnType<typeof resolveAlerts>['alerts'];
  readonly derive: DeriveSpec | undefined;
}

export class TickObservers {
  readonly windows: WindowStore;
  readonly alerts: AlertManager;
  private readonly threads = new Map<string, ThreadObserver>();
  private metrics: RuntimeMetrics | undefined;
  private readonly scanned = new WeakSet<LoadedBlock>();

  constructor(private readonly options: TickObserversOptions) {
    this.windows = new WindowStore(options.logger.child('alerts'));
    this.alerts = new AlertManager({
      clock: options.clock,
      logger: options.logger.child('alerts'),
      log: options.unidist.log,
      stateFile: new AlertStateFile(options.alertStateFile, options.logger.child('alerts')),
      emit: (e) => {
        if (options.events.listening) options.events.emit(e);
      },
    });
  }

  /**
   * Size every window the block's alerts and derived series read before any thread starts, so a
   * thread read by another keeps its samples from its first tick.
   */
  prepare(block: LoadedBlock): void {
    if (this.scanned.has(block)) return;
    this.scanned.add(block);
    for (const t of runThreadItems(block.data, block.tags)) {
      if (t.id === undefined) continue;
      const cfg = itemConfig(t.item, t.path);
      if (cfg.problems.length === 0) this.need(t.id, cfg);
    }
  }

  /** Sources the metrics read at scrape time. */
  metricsSources(): MetricsSources {
    return {
      alerts: () => this.alerts.snapshot(),
      counters: () => this.options.unidist.counter.all(),
    };
  }

  /** Start exporting metrics (threads already running are added). */
  enableMetrics(metrics: RuntimeMetrics): void {
    this.metrics = metrics;
    for (const t of this.threads.values()) t.enableMetrics(metrics);
  }

  /** The observer of a starting thread. Throws InputError (PB_ERR_VALIDATION / _EXPRESSION_SYNTAX) on a bad `alert` or `timeseries derive`. */
  async attach(spec: RunThreadSpec, collect: CollectConfig | undefined, status: () => RunThreadStatus): Promise<ThreadObserver> {
    const existing = this.threads.get(spec.id);
    if (existing) return existing;
    const cfg = itemConfig(spec.item, ['run_thread', spec.id]);
    if (cfg.problems.length > 0) {
      const first = cfg.problems[0] as ConfigProblem;
      throw new InputError(first.code, cfg.problems.length === 1 ? first.message : `${cfg.problems.length} problems in the alert / timeseries derive of RunThread ${spec.id}`, {
        problems: cfg.problems.map((p) => ({ message: `${formatKeyPath(p.path)}: ${p.message}` })),
      });
    }
    this.need(spec.id, cfg);
    const kinds = fieldKinds(collect, cfg.derive);
    const window = this.windows.open(spec.id, spec.intervalMs, kinds);
    if (window && collect && collect.key === undefined) {
      const gauges = collect.fields.filter((f) => f.type === 'GAUGE').map((f) => f.name);
      await refillFromRrd(window, path.resolve(spec.baseDir, collect.path), gauges, this.options.logger.child(`alerts:${spec.id}`));
    }
    const block = spec.blockFile === undefined ? undefined : blockBaseName(spec.blockFile);
    const derive = cfg.derive ? new DerivedFields(cfg.derive, spec.baseDir, this.options.logger.child(`derive:${spec.id}`)) : undefined;
    const alerts = cfg.alerts.length > 0 ? this.alerts.register(spec.id, cfg.alerts, spec.runList, block) : undefined;
    const exported = [...(collect?.fields.map((f) => f.name) ?? []), ...(derive?.names.filter((n) => !collect?.fields.some((f) => f.name === n)) ?? [])];
    const ownNeeds = [...cfg.alerts.flatMap((a) => [a.when, ...(a.clear ? [a.clear] : []), ...(a.value ? [a.value] : [])]), ...(cfg.derive?.fields.map((f) => f.expression) ?? [])]
      .flatMap((e) => seriesNeeds(e.root))
      .filter((n) => n.thread === undefined)
      .flatMap((n) => n.fields);
    const observer = new ThreadObserver({
      id: spec.id,
      block,
      window,
      windows: this.windows,
      derive,
      alerts,
      status,
      metricsInfo: { block: block ?? '', thread: spec.id, fields: exported, key: collect?.key },
      logger: this.options.logger.child(`alerts:${spec.id}`),
      checkFields: [...new Set(ownNeeds)].filter((f) => !derive?.names.includes(f)),
    });
    if (this.metrics) observer.enableMetrics(this.metrics);
    this.threads.set(spec.id, observer);
    return observer;
  }

  /** Stop starting procedures, wait for running ones up to `deadlineMs`, write the alert states. */
  stop(deadlineMs: number): Promise<void> {
    return this.alerts.stop(deadlineMs);
  }

  private need(thread: string, cfg: ItemConfig): void {
    const exprs = [...cfg.alerts.flatMap((a) => [a.when, ...(a.clear ? [a.clear] : []), ...(a.value ? [a.value] : [])]), ...(cfg.derive?.fields.map((f) => f.expression) ?? [])];
    const sources = new Set(cfg.derive?.sources.map((s) => s.name) ?? []);
    const needs: SeriesNeed[] = exprs.flatMap((e) => seriesNeeds(e.root));
    for (const n of needs) {
      if (n.thread !== undefined && sources.has(n.thread)) continue;
      this.windows.need(n.thread ?? thread, n);
    }
  }
}

interface ObserverParts {
  readonly id: string;
  readonly block: string | undefined;
  readonly window: SampleWindow | undefined;
  readonly windows: WindowStore;
  readonly derive: DerivedFields | undefined;
  readonly alerts: ThreadAlerts | undefined;
  readonly status: () => RunThreadStatus;
  readonly metricsInfo: Parameters<RuntimeMetrics['thread']>[0];
  readonly logger: Logger;
  /** Own fields the expressions read, checked against the first result (typos). */
  readonly checkFields: readonly string[];
}

export class ThreadObserver {
  private lastSampleMs = NaN;
  private metrics: ThreadMetrics | undefined;
  private checked = false;
  /** One context per thread, its `now` set per evaluation (no allocation per tick). */
  private readonly ctx: { now: number; series: (thread: string | undefined) => SeriesView | undefined };

  constructor(private readonly p: ObserverParts) {
    const { window, windows, derive } = p;
    this.ctx = { now: 0, series: (t) => (t === undefined ? window : (derive?.source(t) ?? windows.get(t))) };
    this.active = window !== undefined || derive !== undefined || p.alerts !== undefined;
  }

  /** False when nothing would happen after a tick (nobody reads it, no alerts, no metrics): decided at start and when metrics start. */
  active: boolean;

  enableMetrics(m: RuntimeMetrics): void {
    this.metrics ??= m.thread(this.p.metricsInfo);
    this.active = true;
  }

  /**
   * Steps 1–2: the sample and the derived fields. Returns the result to collect; derived fields
   * are also added to `outcome.returned`, so they reach pipe data and the thread's status.
   */
  beforeCollect(outcome: ScriptOutcome, tickTimeMs: number): Record<string, unknown> | Promise<Record<string, unknown>> {
    const { window, derive } = this.p;
    // The result as collected: what the script set on its pipe data, then what it returned. A
    // copy only when there is something to merge or derived fields will be added.
    const set = outcome.pipeDataSet;
    const fields: Record<string, unknown> = derive !== undefined || hasKeys(set) ? { ...set, ...outcome.returned } : (outcome.returned ?? {});
    if (window) window.pushRecord(tickTimeMs, fields);
    this.lastSampleMs = tickTimeMs;
    if (!derive) return this.checkOnce(fields);
    // Synchronous unless files are read: most ticks add no promise.
    return derive.hasSources ? derive.refresh().then(() => this.derived(outcome, fields, tickTimeMs)) : this.derived(outcome, fields, tickTimeMs);
  }

  private derived(outcome: ScriptOutcome, fields: Record<string, unknown>, tickTimeMs: number): Record<string, unknown> {
    const values = (this.p.derive as DerivedFields).compute(this.context(tickTimeMs), this.p.window);
    Object.assign(fields, values);
    // The runtime's own outcome object (fresh per tick): derived fields are part of the result.
    const o = outcome as { returned: Record<string, unknown> | undefined };
    o.returned = { ...(o.returned ?? {}), ...values };
    return this.checkOnce(fields);
  }

  private checkOnce(fields: Record<string, unknown>): Record<string, unknown> {
    if (!this.checked) {
      this.checked = true;
      const missing = this.p.checkFields.filter((f) => !(f in fields));
      if (missing.length > 0) {
        this.p.logger.warn(`the alerts of RunThread ${this.p.id} read field(s) ${missing.join(', ')}, which its first result does not have (they are unknown until a result has them)`);
      }
    }
    return fields;
  }

  /** Steps 4–5 after a successful tick. */
  afterTick(fields: Readonly<Record<string, unknown>>, tickTimeMs: number): void {
    this.p.alerts?.evaluate(this.context(tickTimeMs), fields);
    if (this.metrics) {
      const status = this.p.status();
      this.metrics.ticked(fields, status, lateness(status, tickTimeMs));
    }
  }

  /** After a failed tick (or a failed collection of a successful one). */
  afterError(_error: unknown, tickTimeMs: number): void {
    if (this.p.window && this.lastSampleMs !== tickTimeMs) this.p.window.push(tickTimeMs, () => NaN);
    this.lastSampleMs = tickTimeMs;
    this.p.alerts?.evaluate(this.context(tickTimeMs), {});
    if (this.metrics) {
      const status = this.p.status();
      this.metrics.failed(status, lateness(status, tickTimeMs));
    }
  }

  private context(now: number): EvalContext {
    this.ctx.now = now;
    return this.ctx;
  }
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

function itemConfig(item: Readonly<Record<string, unknown>>, at: readonly (string | number)[]): ItemConfig & { problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  let alerts: ItemConfig['alerts'] = [];
  let derive: DeriveSpec | undefined;
  if (item.alert !== undefined) {
    const r = resolveAlerts(item.alert, [...at, 'alert']);
    alerts = r.alerts;
    problems.push(...r.problems);
  }
  const rawDerive = deriveValue(item);
  if (rawDerive !== undefined) {
    const r = resolveDerive(rawDerive, [...at, 'timeseries derive']);
    derive = r.spec;
    problems.push(...r.problems);
  }
  return { alerts, derive, problems };
}

/** How rate() reads each field: declared types, derived fields as gauges, others as counters. */
function fieldKinds(collect: CollectConfig | undefined, derive: DeriveSpec | undefined): (field: string) => RateKind {
  return (field) => {
    const declared = collect?.fields.find((f) => f.name === field)?.type;
    if (declared === 'GAUGE' || declared === 'DERIVE') return 'gauge';
    if (declared === 'ABSOLUTE') return 'absolute';
    if (declared === 'COUNTER') return 'counter';
    return derive?.fields.some((f) => f.name === field) ? 'gauge' : 'counter';
  };
}

/** Seconds between the tick's ideal time and its start (the status holds the latest start). */
function lateness(status: RunThreadStatus, tickTimeMs: number): number | undefined {
  return status.lastStart === undefined ? undefined : status.lastStart - tickTimeMs / 1000;
}
