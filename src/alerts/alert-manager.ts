/**
 * The alerts of a runtime (SPEC §9): evaluates each RunThread's alerts after its ticks, moves
 * them through the state machine, and for every transition writes one log line (through the
 * unidist log, which lands in the runtime's log), posts an event, persists the states, and
 * hands the alert's procedure to the dispatcher. Evaluation is synchronous and cheap; nothing
 * here waits for a procedure.
 *
 * Order per transition: state in memory → log line → event → state file write queued → the
 * procedure starts once that write is durable (a crash in between loses the notification
 * rather than repeating it after the restart: at most once).
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { AlertSpec } from '../config/alert-config.js';
import { compileCondition, compileExpression, valueExpression, type CompiledCondition, type CompiledExpression, type EvalContext } from '../language/alert-expr/index.js';
import type { RunListRunner } from '../schedule/types.js';
import type { UnidistLog } from '../unidist/types.js';
import { ActionDispatcher, type ActionOutcome, type ActionJob } from './action-dispatcher.js';
import type { AlertStateFile, SavedAlert } from './alert-state-file.js';
import { INITIAL, restore, STAY, step, verdict, type AlertState, type AlertStatus, type Notification } from './state-machine.js';

/** A transition or notification, as posted to the runtime's event bus. */
export interface AlertEvent {
  readonly kind: 'alert';
  readonly block: string | undefined;
  readonly thread: string;
  readonly alert: string;
  readonly from: AlertState;
  readonly to: AlertState;
  /** What the procedure was run for, if it was. */
  readonly notify: Notification | undefined;
  /** Epoch ms the current state began. */
  readonly since: number;
  /** Epoch ms of the evaluation (the tick's time). */
  readonly time: number;
  readonly value: number | null;
}

export interface AlertSnapshot {
  readonly block: string | undefined;
  readonly thread: string;
  readonly alert: string;
  readonly state: AlertState;
  readonly since: number;
  readonly value: number;
}

export interface AlertManagerOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Transitions are posted here; without it (or when it fails) they go to `logger`. */
  readonly log?: UnidistLog | undefined;
  readonly stateFile: AlertStateFile;
  readonly emit?: ((event: AlertEvent) => void) | undefined;
  /** Told when each procedure run ends (tests). */
  readonly onProcedureDone?: ((label: string, outcome: ActionOutcome) => void) | undefined;
}

/** The manager's own copy: `value` is updated in place at every evaluation. */
type MutableStatus = { -readonly [K in keyof AlertStatus]: AlertStatus[K] };

interface Entry {
  readonly block: string | undefined;
  readonly thread: string;
  readonly alert: string;
  readonly spec: AlertSpec | undefined;
  status: MutableStatus;
}

export class AlertManager {
  private readonly entries = new Map<string, Entry>();
  private readonly dispatcher: ActionDispatcher;
  private stopping = false;

  constructor(private readonly options: AlertManagerOptions) {
    this.dispatcher = new ActionDispatcher(options.clock, options.logger, (job, outcome) => options.onProcedureDone?.(job.label, outcome));
    for (const s of options.stateFile.load()) {
      this.entries.set(key(s.thread, s.alert), { block: undefined, thread: s.thread, alert: s.alert, spec: undefined, status: { state: s.state, since: s.since, lastNotified: s.lastNotified, value: s.value } });
    }
  }

  /** Attach `alerts` to RunThread `thread`; returns what its ticks call. Saved states are restored. */
  register(thread: string, alerts: readonly AlertSpec[], procedure: RunListRunner | undefined, block?: string): ThreadAlerts {
    const now = this.options.clock.now();
    const compiled = alerts.map((spec) => {
      const k = key(thread, spec.name);
      const saved = this.entries.get(k);
      const status = { ...(saved ? restore(saved.status, now) : INITIAL) };
      if (saved && saved.status.state === 'firing') {
        this.options.logger.info(`alert ${thread}/${spec.name}: still firing since ${new Date(saved.status.since).toISOString()} (restored; not notified again)`);
      }
      const entry: Entry = { block, thread, alert: spec.name, spec, status };
      this.entries.set(k, entry);
      return {
        entry,
        condition: compileCondition(spec.when.root, spec.value ? spec.value.root : valueExpression(spec.when.root)),
        clear: spec.clear ? compileExpression(spec.clear.root) : undefined,
      };
    });
    return new ThreadAlerts(this, thread, compiled, procedure);
  }

  snapshot(): AlertSnapshot[] {
    return [...this.entries.values()]
      .filter((e) => e.spec !== undefined)
      .map((e) => ({ block: e.block, thread: e.thread, alert: e.alert, state: e.status.state, since: e.status.since, value: e.status.value }));
  }

  /** Resolves when every state change so far is written (tests synchronise on it). */
  persisted(): Promise<void> {
    return this.options.stateFile.flush();
  }

  /** Stop starting procedures; wait up to `deadlineMs` for running ones; write the states. */
  async stop(deadlineMs: number): Promise<void> {
    this.stopping = true;
    await this.dispatcher.drain(deadlineMs);
    await this.options.stateFile.flush();
  }

  /** @internal called by ThreadAlerts for every transition or notification. */
  changed(entry: Entry, from: AlertState, notify: Notification | undefined, fields: Readonly<Record<string, unknown>>, procedure: RunListRunner | undefined, now: number): void {
    const spec = entry.spec as AlertSpec;
    const { status } = entry;
    const name = `${entry.thread}/${spec.name}`;
    this.writeLine(notify === 'firing' || notify === 'repeat' ? 'warn' : 'info', describe(name, from, status, spec, notify), {
      thread: entry.thread,
      alert: spec.name,
      from,
      to: status.state,
      value: finiteOrNull(status.value),
    });
    this.emit({
      kind: 'alert',
      block: entry.block,
      thread: entry.thread,
      alert: spec.name,
      from,
      to: status.state,
      notify: notify && spec.run.length > 0 ? notify : undefined,
      since: status.since,
      time: now,
      value: finiteOrNull(status.value),
    });
    const saved = this.options.stateFile.save(this.saved());
    if (!notify || spec.run.length === 0) return;
    if (!procedure) {
      this.options.logger.warn(`alert ${name}: has a run list but this RunThread cannot run one (started without the engine); skipped`);
      return;
    }
    if (this.stopping) return;
    const alertData = {
      name: spec.name,
      thread: entry.thread,
      state: status.state,
      since: status.since / 1000,
      value: finiteOrNull(status.value),
      repeat: notify === 'repeat',
    };
    const job: ActionJob = {
      key: key(entry.thread, spec.name),
      label: `alert ${name} (${notify})`,
      timeoutMs: spec.timeoutMs,
      after: saved,
      run: (signal) =>
        procedure({
          items: spec.run,
          path: [...spec.path, 'run'],
          pipeData: { ...fields, alert: alertData },
          env: {
            PROCBLOCK_ALERT_NAME: spec.name,
            PROCBLOCK_ALERT_THREAD: entry.thread,
            PROCBLOCK_ALERT_STATE: status.state,
            PROCBLOCK_ALERT_SINCE: String(status.since / 1000),
            PROCBLOCK_ALERT_VALUE: Number.isFinite(status.value) ? String(status.value) : '',
            PROCBLOCK_ALERT_REPEAT: notify === 'repeat' ? '1' : '0',
          },
          signal,
        }),
    };
    this.dispatcher.dispatch(job);
  }

  private saved(): SavedAlert[] {
    return [...this.entries.values()].map((e) => ({ ...e.status, thread: e.thread, alert: e.alert }));
  }

  private emit(e: AlertEvent): void {
    try {
      this.options.emit?.(e);
    } catch (err) {
      this.options.logger.error(`an alert event listener threw: ${(err as Error).message}`);
    }
  }

  private writeLine(level: 'info' | 'warn', line: string, fields: Record<string, unknown>): void {
    const { log, logger } = this.options;
    if (!log) {
      logger[level](line, fields);
      return;
    }
    log.write(level, line, fields).catch(() => logger[level](line, fields));
  }
}

/** The alerts of one RunThread, evaluated after each of its ticks. */
export class ThreadAlerts {
  private readonly out = { when: NaN, value: NaN };

  constructor(
    private readonly manager: AlertManager,
    readonly thread: string,
    private readonly alerts: readonly { entry: Entry; condition: CompiledCondition; clear: CompiledExpression | undefined }[],
    private readonly procedure: RunListRunner | undefined,
  ) {}

  get count(): number {
    return this.alerts.length;
  }

  /** Evaluate every alert at `ctx.now`; `fields` (the tick's result) go to procedures' pipe data. */
  evaluate(ctx: EvalContext, fields: Readonly<Record<string, unknown>>): void {
    const out = this.out;
    for (const a of this.alerts) {
      const spec = a.entry.spec as AlertSpec;
      a.condition(ctx, out);
      const when = verdict(out.when);
      // `clear` only matters to a firing alert.
      const clear = a.clear ? (a.entry.status.state === 'firing' ? verdict(a.clear(ctx)) : 'unknown') : undefined;
      const from = a.entry.status.state;
      const next = step(spec, a.entry.status, ctx.now, when, clear, out.value);
      if (next === STAY) {
        a.entry.status.value = out.value;
        continue;
      }
      a.entry.status = { ...next.status };
      if (next.transition || next.notify) this.manager.changed(a.entry, from, next.notify, fields, this.procedure, ctx.now);
    }
  }
}

function key(thread: string, alert: string): string {
  return `${thread}\u0000${alert}`;
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function seconds(ms: number): string {
  if (ms < 10_000) return `${+(ms / 1000).toFixed(2)} s`;
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

function describe(name: string, from: AlertState, status: AlertStatus, spec: AlertSpec, notify: Notification | undefined): string {
  const value = `value ${Number.isFinite(status.value) ? +status.value.toPrecision(6) : 'unknown'}`;
  if (notify === 'repeat') return `alert ${name}: still firing (${value}); notifying again`;
  const arrow = `alert ${name}: ${from} → ${status.state}`;
  switch (status.state) {
    case 'pending':
      return `${arrow} (${value}; ${spec.when.text}; firing after ${seconds(spec.forMs)} if it holds)`;
    case 'firing':
      return `${arrow} (${value}; ${spec.when.text})`;
    case 'resolved':
      return `${arrow} (${value}; ${spec.clear ? spec.clear.text : `not (${spec.when.text})`})`;
    case 'ok':
      return `${arrow} (${value}; no longer ${spec.when.text})`;
  }
}
