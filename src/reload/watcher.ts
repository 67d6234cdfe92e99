/**
 * Watches the files of a block (its YAML, `__import__` files, scripts, their local imports,
 * templates) with chokidar 5 and reports bursts of changes, debounced (SPEC §8).
 *
 * - chokidar watches the *folders* holding those files (one watch per folder, `depth: 0`), and
 *   the folder's own events say which entry changed: a write in place (`change`), and every
 *   save that replaces the file — a temp file renamed over it, delete and recreate, vim's
 *   rename-to-backup (`rename`). The files themselves are not watched one by one (chokidar's
 *   own watch of a file stays on the inode it saw, so after a delete-and-recreate it misses the
 *   next write in place; and a thousand files would be a thousand watches). Events of other
 *   entries are dropped, as are editor swap/backup files (editor-files.ts): the data files a
 *   block writes (RRDs, PNGs) never trigger a reload. (chokidar itself re-reads a folder, one
 *   lstat per entry, at most once a second while it changes.) The several events of one save
 *   land in one debounced burst.
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
      ignored: (p: string) => this.ignores(p),
    });
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
    this.files = next;
    this.dirs = nextDirs;
    if (goneDirs.length > 0) this.chokidar.unwatch(goneDirs);
    if (addedDirs.length > 0) this.chokidar.add(addedDirs);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.debouncer.cancel();
      await this.chokidar.close();
    })();
    return this.closing;
  }

  /** Only the folders are watched (see the file comment): chokidar reads nothing else. */
  private ignores(p: string): boolean {
    return !this.dirs.has(path.resolve(p));
  }

  /** An event of a watched folder (`rename` or `change`) naming one of its entries. */
  private onRaw(event: string, name: string, details: unknown): void {
    if (this.closing || (event !== 'rename' && event !== 'change') || typeof name !== 'string') return;
    const watched = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
    if (typeof watched !== 'string' || !this.dirs.has(path.resolve(watched))) return;
    const abs = path.join(path.resolve(watched), name);
    if (!this.files.has(abs) || isEditorArtifact(abs)) return;
    this.eventCount++;
    this.changed.add(abs);
    this.options.logger.debug(`file ${event}: ${abs}`);
    this.debouncer.poke();
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
