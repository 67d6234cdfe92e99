/**
 * The status file of a long-running block: `status.json` in its state folder, rewritten
 * atomically (temp file + rename, so a reader never sees half a file) whenever what it says
 * changed, checked every `intervalMs` on the injected clock, and once more when the runtime has
 * stopped. `procblock status block.yaml` reads it (src/cli/status-command.ts); so can any tool.
 * Format (docs/feedback.md): `StatusFileContent` below, `format: 1`.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { totalsOf, type AlertSnapshotView, type RuntimeSnapshot, type RuntimeState, type SnapshotTotals, type ThreadSnapshot } from './status-snapshot.js';

export const STATUS_FILE_NAME = 'status.json';
export const STATUS_FORMAT = 1;

export interface StatusFileContent {
  readonly format: number;
  readonly pid: number;
  /** Absolute path of the block file. */
  readonly block: string;
  /** `__usage.name`, when given. */
  readonly name?: string | undefined;
  readonly state: RuntimeState;
  /** Epoch seconds. */
  readonly startedAt: number;
  /** Epoch seconds of this write. */
  readonly updatedAt: number;
  readonly totals: SnapshotTotals;
  readonly threads: readonly ThreadSnapshot[];
  /** Alerts and their states (docs/alerts.md); absent in files written before alerts existed. */
  readonly alerts?: readonly AlertSnapshotView[] | undefined;
}

export interface StatusFileOptions {
  /** The state folder; the file is `<stateDir>/status.json`. */
  readonly stateDir: string;
  readonly block: string;
  readonly name?: string | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly snapshot: () => RuntimeSnapshot;
  /** How often to look for changes. Default 1000 ms. */
  readonly intervalMs?: number | undefined;
  readonly pid?: number | undefined;
}

export function statusFilePath(stateDir: string): string {
  return path.join(stateDir, STATUS_FILE_NAME);
}

export class StatusFile {
  readonly path: string;
  private readonly startedAt: number;
  private timer: TimerHandle | undefined;
  private lastBody = '';
  private failed = false;
  private closed = false;

  constructor(private readonly options: StatusFileOptions) {
    this.path = statusFilePath(options.stateDir);
    this.startedAt = options.clock.now() / 1000;
  }

  /** Write now and keep the file current until `close()`. */
  start(): void {
    this.update();
    this.arm();
  }

  /** Write the file now if what it says changed (`state` overrides the snapshot's). */
  update(state?: RuntimeState): void {
    if (this.failed) return;
    const snap = this.options.snapshot();
    const body = {
      format: STATUS_FORMAT,
      pid: this.options.pid ?? process.pid,
      block: this.options.block,
      name: this.options.name,
      state: state ?? snap.state,
      startedAt: this.startedAt,
      totals: totalsOf(snap.threads),
      threads: snap.threads,
      alerts: snap.alerts ?? [],
    };
    const key = JSON.stringify(body);
    if (key === this.lastBody) return;
    const content: StatusFileContent = { ...body, updatedAt: this.options.clock.now() / 1000 };
    try {
      mkdirSync(path.dirname(this.path), { recursive: true });
      const tmp = `${this.path}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(content, null, 2)}\n`);
      renameSync(tmp, this.path);
      this.lastBody = key;
    } catch (e) {
      // The block runs on without it; say so once.
      this.failed = true;
      this.options.logger.warn(`cannot write the status file ${this.path} (procblock status will not see this run): ${(e as Error).message}`);
    }
  }

  /** Stop the timer and write the final state (default: the snapshot's). Idempotent. */
  close(state?: RuntimeState): void {
    if (this.closed) return;
    this.closed = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.update(state);
  }

  private arm(): void {
    if (this.closed) return;
    this.timer = this.options.clock
      .setTimeout(() => {
        this.update();
        this.arm();
      }, this.options.intervalMs ?? 1000)
      .unref();
  }
}
