/**
 * Alert states persisted across restarts (SPEC §9: a restart neither forgets a firing alert nor
 * notifies it again). One JSON file per state folder, beside unidist's (`<state dir>.alerts.json`),
 * rewritten atomically on every transition and notification: a temp file is written and
 * fsync'ed, then renamed over the old one (and the folder fsync'ed), so a crash leaves the old
 * or the new file, never a torn one. Writes go one at a time, in order.
 *
 *   {"version": 1, "alerts": [{"thread": "web", "alert": "slow", "state": "firing",
 *     "since": 1767225600000, "lastNotified": 1767225600000, "value": 65}]}
 *
 * A file that cannot be read as this format is moved aside (`.corrupt-<time>`) with a warning and
 * every alert starts ok: refusing to start would take monitoring down with it.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../core/logger.js';
import type { AlertState, AlertStatus } from './state-machine.js';

const STATES: readonly AlertState[] = ['ok', 'pending', 'firing', 'resolved'];

export interface SavedAlert extends AlertStatus {
  readonly thread: string;
  readonly alert: string;
}

export class AlertStateFile {
  private chain: Promise<void> = Promise.resolve();
  private seq = 0;

  constructor(
    /** undefined: nothing is persisted (a runtime without a state folder). */
    readonly file: string | undefined,
    private readonly logger: Logger,
  ) {}

  /** The saved alerts (empty when there is no file yet). */
  load(): SavedAlert[] {
    if (this.file === undefined) return [];
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      this.logger.warn(`cannot read the alert states ${this.file}: ${(e as Error).message}; every alert starts ok`);
      return [];
    }
    try {
      return parse(text);
    } catch (e) {
      const aside = `${this.file}.corrupt-${Date.now()}`;
      try {
        renameSync(this.file, aside);
      } catch {
        /* keep going: the next save replaces it */
      }
      this.logger.warn(`the alert states ${this.file} are unreadable (${(e as Error).message}); moved to ${aside}, every alert starts ok`);
      return [];
    }
  }

  /** Queue a write of `alerts`; resolves when it is durable (never rejects: failures are logged). */
  save(alerts: readonly SavedAlert[]): Promise<void> {
    if (this.file === undefined) return Promise.resolve();
    const file = this.file;
    const text = `${JSON.stringify({ version: 1, alerts: alerts.map(encode) }, null, 1)}\n`;
    const n = ++this.seq;
    const p = this.chain.then(() => writeAtomically(file, text, n)).catch((e: unknown) => {
      this.logger.error(`could not save the alert states to ${file}: ${(e as Error).message}`);
    });
    this.chain = p;
    return p;
  }

  /** Wait for every queued write. */
  flush(): Promise<void> {
    return this.chain;
  }
}

async function writeAtomically(file: string, text: string, n: number): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${n}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  renameSync(tmp, file);
  // Make the rename itself durable.
  const dir = openSync(path.dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

function encode(a: SavedAlert): Record<string, unknown> {
  return {
    thread: a.thread,
    alert: a.alert,
    state: a.state,
    since: a.since,
    lastNotified: a.lastNotified ?? null,
    value: Number.isFinite(a.value) ? a.value : null,
  };
}

function parse(text: string): SavedAlert[] {
  const doc = JSON.parse(text) as unknown;
  if (typeof doc !== 'object' || doc === null || (doc as { version?: unknown }).version !== 1 || !Array.isArray((doc as { alerts?: unknown }).alerts)) {
    throw new Error('not a version 1 alert state file');
  }
  return ((doc as { alerts: unknown[] }).alerts).map((raw, i) => {
    const a = raw as Record<string, unknown>;
    const ok =
      typeof a.thread === 'string' &&
      typeof a.alert === 'string' &&
      STATES.includes(a.state as AlertState) &&
      typeof a.since === 'number' &&
      (a.lastNotified === null || typeof a.lastNotified === 'number') &&
      (a.value === null || typeof a.value === 'number');
    if (!ok) throw new Error(`entry ${i} is malformed`);
    return {
      thread: a.thread as string,
      alert: a.alert as string,
      state: a.state as AlertState,
      since: a.since as number,
      lastNotified: (a.lastNotified as number | null) ?? undefined,
      value: (a.value as number | null) ?? NaN,
    };
  });
}

