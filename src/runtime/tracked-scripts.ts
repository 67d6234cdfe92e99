/**
 * The runtime's view of the script runner: the same runner, plus which scripts are running right
 * now, so that stopping can say which ones it had to terminate at the deadline.
 */
import { IdTable } from '../core/id-table.js';
import type { ScriptCall, ScriptOutcome, ScriptRunner } from '../exec/types.js';

export class TrackedScriptRunner implements ScriptRunner {
  private readonly running = new IdTable<string>();

  constructor(private readonly inner: ScriptRunner) {}

  async run(call: ScriptCall): Promise<ScriptOutcome> {
    const id = this.running.add(call.script);
    try {
      return await this.inner.run(call);
    } finally {
      this.running.delete(id);
    }
  }

  reloadScripts(scripts?: readonly string[]): void {
    this.inner.reloadScripts(scripts);
  }

  abortAll(reason?: unknown): void {
    this.inner.abortAll(reason);
  }

  get inFlight(): number {
    return this.inner.inFlight;
  }

  close(deadlineMs?: number): Promise<void> {
    return this.inner.close(deadlineMs);
  }

  /** The scripts running now, by path, with how many calls of each (`a.ts`, `b.ts ×2`). */
  runningScripts(): string[] {
    const counts = new Map<string, number>();
    for (const s of this.running.values()) counts.set(s, (counts.get(s) ?? 0) + 1);
    return [...counts].map(([s, n]) => (n > 1 ? `${s} ×${n}` : s));
  }
}
