/**
 * Hot reload (SPEC §8), the pipeline end to end: a trigger (a burst of file changes under
 * `--watch`, or SIGHUP) → load and validate the new version in full (load-version.ts) → the pure
 * diff against the running version (diff.ts) → the swap in the runtime (runtime/live-block.ts)
 * → one log line (reload-line.ts).
 *
 * - Reloads run one at a time. A trigger while one runs asks for one more afterwards (triggers
 *   coalesce: a burst of saves during a slow load gives one extra reload, not one per save).
 * - Files that change while a version loads make that load stale: it is dropped, never applied,
 *   and the version is loaded again (so a file caught half-written is never swapped in).
 * - An invalid version (YAML, schema, condition, script that does not load) or one with a change
 *   that cannot be applied live is logged, and the running version carries on untouched. The
 *   watcher then also watches the new version's files, so fixing them reloads.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { SwapReport } from '../runtime/live-block.js';
import type { SwapPlan } from '../runtime/reload-thread-host.js';
import type { LoadedBlock } from '../config/types.js';
import { planBlock, type BlockPlan } from './block-plan.js';
import { decideThread } from './diff.js';
import { loadVersion, RejectedVersion, type LoadedVersion } from './load-version.js';
import { appliedLine, refusedLine, rejectedLine, unchangedLine, type ReloadFields, type ReloadLine, type ReloadOutcome } from './reload-line.js';
import { ScriptGraphReader } from './script-graph.js';
import type { BlockWatcher } from './watcher.js';

/** What hot reload needs of the runtime: the live block's swap. */
export interface Swappable {
  swap(block: LoadedBlock, plan: SwapPlan): Promise<SwapReport>;
}

export interface HotReloadOptions {
  readonly live: Swappable;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Watch the block's files (`--watch`); without it only `reload()` (SIGHUP) reloads. */
  readonly watch: boolean;
  /** Quiet period after the last file event before reloading. Default 200 ms. */
  readonly debounceMs?: number | undefined;
  /** How long a changed script may take to load in the scratch worker. Default 10 s. */
  readonly scriptLoadTimeoutMs?: number | undefined;
  /** Told every reload's outcome (the runtime sends it to live pages as the `reload` event). */
  readonly announce?: ((fields: ReloadFields) => void) | undefined;
}

export interface ReloadResult {
  readonly seq: number;
  readonly outcome: ReloadOutcome;
}

export class HotReload {
  private plan: BlockPlan;
  /** Code key of every script as last loaded, over every version so far. */
  private readonly knownKeys = new Map<string, string>();
  private watcher: BlockWatcher | undefined;
  private seq = 0;
  private running: Promise<ReloadResult> | undefined;
  private again: string | undefined;
  private lastFailed = false;
  private closed = false;

  private constructor(
    plan: BlockPlan,
    private readonly options: HotReloadOptions,
  ) {
    this.plan = plan;
    for (const [s, g] of plan.scripts) this.knownKeys.set(s, g.key);
  }

  /** Plan the running version and, with `watch`, start watching its files. */
  static async create(block: LoadedBlock, options: HotReloadOptions): Promise<HotReload> {
    const hr = new HotReload(await planBlock(block, new ScriptGraphReader()), options);
    if (options.watch) {
      // chokidar is loaded only to watch (SIGHUP alone does not need it).
      const { BlockWatcher } = await import('./watcher.js');
      hr.watcher = await BlockWatcher.start(hr.plan.watch, {
        clock: options.clock,
        debounceMs: options.debounceMs ?? 200,
        logger: options.logger,
        onChange: (files) => void hr.reload(`changed: ${files.map((f) => shortName(f, block.dir)).join(', ')}`),
      });
      options.logger.info(`Watching ${hr.plan.watch.length} file(s) for changes (hot reload)`);
    }
    return hr;
  }

  /** Files watched now (empty without `watch`). */
  get watched(): readonly string[] {
    return this.watcher?.watched ?? [];
  }

  /** Reload now (SIGHUP, or a burst of file changes). */
  reload(trigger: string): Promise<ReloadResult> {
    if (this.running) {
      this.again = trigger;
      return this.running;
    }
    const run = this.runReloads(trigger);
    this.running = run;
    void run.finally(() => {
      if (this.running === run) this.running = undefined;
    });
    return run;
  }

  /** Stop watching. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    await this.watcher?.close();
  }

  private async runReloads(trigger: string): Promise<ReloadResult> {
    let result = await this.reloadOnce(trigger);
    while (this.again !== undefined && !this.closed) {
      const next = this.again;
      this.again = undefined;
      result = await this.reloadOnce(next);
    }
    return result;
  }

  private async reloadOnce(trigger: string): Promise<ReloadResult> {
    const eventsBefore = this.watcher?.events ?? 0;
    let version: LoadedVersion | undefined;
    let rejected: RejectedVersion | undefined;
    try {
      version = await loadVersion(this.plan.block.file, this.plan, this.knownKeys, {
        scriptLoadTimeoutMs: this.options.scriptLoadTimeoutMs ?? 10_000,
      });
    } catch (e) {
      rejected = e instanceof RejectedVersion ? e : new RejectedVersion(e, []);
    }
    // A file changed while this version was read: it may have been half-written. Drop it; the
    // watcher reports that change once the files are quiet, and that reload reads them again.
    if (this.watcher && this.watcher.events !== eventsBefore) {
      this.options.logger.debug('files changed while the new version loaded; waiting for them to settle');
      return { seq: this.seq, outcome: 'superseded' };
    }
    const seq = ++this.seq;
    // The running version's files stay watched; the new version's too, so fixing them reloads.
    this.watcher?.setFiles([...new Set([...this.plan.watch, ...(version?.plan.watch ?? rejected?.watch ?? [])])]);
    if (!version) return this.log(seq, rejectedLine(seq, trigger, rejected?.error), 'rejected');
    return this.apply(seq, trigger, version);
  }

  private async apply(seq: number, trigger: string, { plan, diff }: LoadedVersion): Promise<ReloadResult> {
    if (diff.refused.length > 0) return this.log(seq, refusedLine(seq, trigger, diff), 'refused');
    if (diff.unchanged && !this.lastFailed) {
      this.adopt(plan);
      return this.log(seq, unchangedLine(seq, trigger), 'unchanged');
    }
    const changed = new Set(diff.changedScripts);
    const report = await this.options.live.swap(plan.block, {
      decide: (running, next) => decideThread(running, next, changed),
      changedScripts: diff.changedScripts,
    });
    this.adopt(plan);
    this.lastFailed = report.error !== undefined;
    return this.log(seq, appliedLine(seq, trigger, report, diff), report.error === undefined ? 'applied' : 'failed');
  }

  /** The new version is the running one from now on (also after a partly failed swap). */
  private adopt(plan: BlockPlan): void {
    this.plan = plan;
    for (const [s, g] of plan.scripts) this.knownKeys.set(s, g.key);
    this.watcher?.setFiles(plan.watch);
  }

  private log(seq: number, line: ReloadLine, outcome: ReloadOutcome): ReloadResult {
    this.options.logger[line.level](line.msg, { ...line.fields });
    this.options.announce?.(line.fields);
    return { seq, outcome };
  }
}

function shortName(file: string, dir: string): string {
  return file.startsWith(`${dir}/`) ? file.slice(dir.length + 1) : file;
}
