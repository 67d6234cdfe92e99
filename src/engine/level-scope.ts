/**
 * Per-level bookkeeping: locks taken by `require lock` (released when the level ends, even on
 * error), work deferred to the level's end (`put tag … in queue …`), and a view of the keys
 * processed so far, which templates read (docs/engine.md, "template").
 */
import type { Logger } from '../core/logger.js';
import type { LockHandle } from '../unidist/types.js';

export type Deferred = (final: ReadonlyMap<string, unknown>) => Promise<void>;

export class LevelScope {
  private readonly locks = new Map<string, LockHandle>();
  private readonly deferred: Deferred[] = [];

  /** The level's keys processed so far (set by the level once it starts). */
  private view: (() => Readonly<Record<string, unknown>>) | undefined;

  constructor(readonly parent: LevelScope | undefined) {}

  showProcessed(view: () => Readonly<Record<string, unknown>>): void {
    this.view = view;
  }

  /** The keys processed so far in this level, then in each enclosing level, innermost first. */
  processedChain(): Readonly<Record<string, unknown>>[] {
    const own = this.view ? [this.view()] : [];
    return this.parent ? [...own, ...this.parent.processedChain()] : own;
  }

  holdLock(handle: LockHandle): void {
    this.locks.set(handle.name, handle);
  }

  /** Take the held lock `name` from this level or the nearest enclosing one that holds it. */
  takeLock(name: string): LockHandle | undefined {
    const h = this.locks.get(name);
    if (h) {
      this.locks.delete(name);
      return h;
    }
    return this.parent?.takeLock(name);
  }

  /** Whether the level deferred work to its end (most levels do not: no await then). */
  get hasDeferred(): boolean {
    return this.deferred.length > 0;
  }

  /** Whether the level still holds a lock to release. */
  get holdsLocks(): boolean {
    return this.locks.size > 0;
  }

  defer(fn: Deferred): void {
    this.deferred.push(fn);
  }

  async runDeferred(final: ReadonlyMap<string, unknown>): Promise<void> {
    for (const fn of this.deferred) await fn(final);
  }

  /** Release every lock still held, newest first; a failed release is logged, not thrown. */
  async releaseAll(logger: Logger): Promise<void> {
    const handles = [...this.locks.values()].reverse();
    this.locks.clear();
    for (const h of handles) {
      try {
        const ok = await h.release();
        if (!ok) logger.warn(`lock "${h.name}" was no longer held when the level ended (TTL expired?)`, { lock: h.name });
      } catch (e) {
        logger.error(`releasing lock "${h.name}" failed: ${e instanceof Error ? e.message : String(e)}`, { lock: h.name });
      }
    }
  }
}
