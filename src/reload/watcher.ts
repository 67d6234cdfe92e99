/**
 * Watches the files of a block (its YAML, `__import__` files, scripts, their local imports,
 * templates) with chokidar 5 and reports bursts of changes, debounced (SPEC §8).
 *
 * - chokidar watches the *folders* holding those files, one level deep (`depth: 0`), so saves
 *   that replace the file (write a temp file and rename it over, delete and recreate, vim's
 *   rename-to-backup) are seen; with `atomic` on (chokidar's default), a file deleted and
 *   re-added within 100 ms is one `change`. Every other entry of those folders is `ignored`
 *   (never stat'ed or watched), as are editor swap/backup files (editor-files.ts), so a large
 *   folder beside the block costs nothing and data files a block writes (RRDs, PNGs) never
 *   trigger a reload.
 * - A file that does not exist yet (a script the block names before it is written) is watched
 *   all the same: creating it is a change.
 * - `setFiles` follows the block as it changes (a new import, a new script).
 *
 * Lifecycle: `start()` resolves once chokidar is ready; `close()` is idempotent (same promise).
 * Watching never keeps the process alive (`persistent: false`; the runtime does that).
 */
import path from 'node:path';
import { FSWatcher } from 'chokidar';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { Debouncer } from './debounce.js';
import { isEditorArtifact } from './editor-files.js';

export interface BlockWatcherOptions {
  readonly clock: Clock;
  /** Quiet period before a burst of changes is reported. */
  readonly debounceMs: number;
  readonly logger: Logger;
  /** Called with the changed files of a burst (absolute, sorted). */
  readonly onChange: (files: readonly string[]) => void;
}

export class BlockWatcher {
  private readonly chokidar: FSWatcher;
  private readonly debouncer: Debouncer;
  private files = new Set<string>();
  private dirs = new Set<string>();
  private changed = new Set<string>();
  private closing: Promise<void> | undefined;
  /** Events seen since start (the controller compares it to detect changes during a load). */
  private eventCount = 0;

  private constructor(private readonly options: BlockWatcherOptions) {
    this.debouncer = new Debouncer({ clock: options.clock, quietMs: options.debounceMs }, () => this.flush());
    this.chokidar = new FSWatcher({
      ignoreInitial: true,
      persistent: false,
      depth: 0,
      atomic: true,
      ignored: (p: string) => this.ignores(p),
    });
    this.chokidar.on('all', (event, p) => this.onEvent(event, p));
    this.chokidar.on('raw', (event, name, details) => this.onRaw(event, name, details));
    this.chokidar.on('error', (e) => options.logger.warn(`file watcher: ${(e as Error).message}`));
  }

  /** Watch `files` (absolute); resolves when the watcher is ready. */
  static async start(files: readonly string[], options: BlockWatcherOptions): Promise<BlockWatcher> {
    const w = new BlockWatcher(options);
    w.files = new Set(files.map((f) => path.resolve(f)));
    w.dirs = foldersOf(w.files);
    const ready = new Promise<void>((resolve) => w.chokidar.once('ready', () => resolve()));
    w.chokidar.add([...w.dirs]);
    await ready;
    return w;
  }

  /** File events seen so far. */
  get events(): number {
    return this.eventCount;
  }

  /** The files watched now. */
  get watched(): readonly string[] {
    return [...this.files].sort();
  }

  /** Follow a new set of files. */
  setFiles(files: readonly string[]): void {
    if (this.closing) return;
    const next = new Set(files.map((f) => path.resolve(f)));
    const nextDirs = foldersOf(next);
    const addedDirs = [...nextDirs].filter((d) => !this.dirs.has(d));
    const goneDirs = [...this.dirs].filter((d) => !nextDirs.has(d));
    // Files that were ignored when their folder was read are added one by one.
    const addedFiles = [...next].filter((f) => !this.files.has(f) && this.dirs.has(path.dirname(f)));
    this.files = next;
    this.dirs = nextDirs;
    if (goneDirs.length > 0) this.chokidar.unwatch(goneDirs);
    if (addedDirs.length > 0 || addedFiles.length > 0) this.chokidar.add([...addedDirs, ...addedFiles]);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.debouncer.cancel();
      await this.chokidar.close();
    })();
    return this.closing;
  }

  private ignores(p: string): boolean {
    const abs = path.resolve(p);
    if (this.dirs.has(abs)) return false;
    return isEditorArtifact(abs) || !this.files.has(abs);
  }

  private onEvent(event: string, p: string): void {
    if (this.closing) return;
    const abs = path.resolve(p);
    if (!this.files.has(abs) || isEditorArtifact(abs)) return;
    if (event !== 'add' && event !== 'change' && event !== 'unlink') return;
    this.eventCount++;
    this.changed.add(abs);
    this.options.logger.debug(`file ${event}: ${abs}`);
    this.debouncer.poke();
  }

  /**
   * A file written in place is reported by its folder's watch as well as its own. chokidar keeps
   * the file's own watch on the inode it saw, so after a delete-and-recreate (the new inode) it
   * misses in-place writes until something re-reads the folder; the folder's `change` is
   * counted here too (both land in the same debounced burst).
   */
  private onRaw(event: string, name: string, details: unknown): void {
    if (event !== 'change' || this.closing) return;
    const watched = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
    if (typeof watched !== 'string' || !this.dirs.has(path.resolve(watched))) return;
    this.onEvent('change', path.join(watched, name));
  }

  private flush(): void {
    const files = [...this.changed].sort();
    this.changed.clear();
    if (files.length > 0) this.options.onChange(files);
  }
}

function foldersOf(files: ReadonlySet<string>): Set<string> {
  return new Set([...files].map((f) => path.dirname(f)));
}
