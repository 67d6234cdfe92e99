/**
 * Drives an AlertManager the way the runtime does, on the fake clock: a real window receives
 * one sample per tick, the alerts are evaluated after it, the states go to a real file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveAlerts } from '../../src/config/alert-config.js';
import { createLogger, type LogRecord } from '../../src/core/logger.js';
import { AlertManager, type AlertEvent, type ThreadAlerts } from '../../src/alerts/alert-manager.js';
import { AlertStateFile } from '../../src/alerts/alert-state-file.js';
import type { RunListCall, RunListRunner } from '../../src/schedule/types.js';
import { SampleWindow } from '../../src/windows/sample-window.js';
import { FakeClock } from '../helpers/fake-clock.js';

export interface Harness {
  readonly clock: FakeClock;
  readonly events: AlertEvent[];
  readonly logs: LogRecord[];
  /** Every procedure call, in order of start. */
  readonly calls: RunListCall[];
  readonly done: { label: string; outcome: string }[];
  readonly stateFile: string;
  /** Advance the clock to the next tick and record `value` as field `v`; evaluate. */
  tick(value: number): Promise<void>;
  manager: AlertManager;
  alerts: ThreadAlerts;
  window: SampleWindow;
  /** A new manager on the same state file (a restart), same alerts. */
  restart(): void;
  cleanup(): void;
}

export const INTERVAL_MS = 5000;

export function harness(alertYaml: Record<string, unknown>, procedure: (call: RunListCall) => Promise<void> = async () => undefined, dir?: string): Harness {
  const folder = dir ?? mkdtempSync(path.join(os.tmpdir(), 'procblock-alerts-'));
  const stateFile = path.join(folder, 'state.alerts.json');
  const clock = new FakeClock();
  const events: AlertEvent[] = [];
  const logs: LogRecord[] = [];
  const calls: RunListCall[] = [];
  const done: { label: string; outcome: string }[] = [];
  const logger = createLogger((r) => logs.push(r), 'debug');
  const { alerts: specs, problems } = resolveAlerts(alertYaml, ['run', 0, 'alert']);
  if (problems.length > 0) throw new Error(JSON.stringify(problems));
  const runner: RunListRunner = (call) => {
    calls.push(call);
    return procedure(call);
  };
  const window = new SampleWindow(100, INTERVAL_MS);
  window.addField('v', 'gauge');
  const make = (): { manager: AlertManager; alerts: ThreadAlerts } => {
    const manager = new AlertManager({
      clock,
      logger,
      stateFile: new AlertStateFile(stateFile, logger),
      emit: (e) => events.push(e),
      onProcedureDone: (label, outcome) => done.push({ label, outcome }),
    });
    return { manager, alerts: manager.register('web', specs, runner, 'test') };
  };
  const h: Harness = {
    clock,
    events,
    logs,
    calls,
    done,
    stateFile,
    ...make(),
    window,
    async tick(value) {
      await clock.advance(INTERVAL_MS);
      window.push(clock.now(), () => value);
      h.alerts.evaluate({ now: clock.now(), series: (t) => (t === undefined ? window : undefined) }, { v: value });
      // Procedures start once the state file write of their transition is durable.
      await h.manager.persisted();
      await clock.advance(0);
    },
    restart() {
      Object.assign(h, make());
    },
    cleanup() {
      if (!dir) rmSync(folder, { recursive: true, force: true });
    },
  };
  return h;
}

/** `from→to` of each alert event, with `!` when a procedure was run for it. */
export function story(events: readonly AlertEvent[]): string[] {
  return events.map((e) => `${e.from}→${e.to}${e.notify ? `!${e.notify}` : ''}`);
}
