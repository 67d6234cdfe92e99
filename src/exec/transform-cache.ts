/**
 * TypeScript → JavaScript for block scripts, cached on disk so that a warm start never loads
 * the transformer.
 *
 * - **Keyed on content**: an entry is named `<path key>-<content key>.mjs`, where the content key
 *   hashes the source bytes and the transformer version (src/core/content-key.ts). Mtimes and
 *   sizes are never trusted: an edit that keeps both (`touch -r`, `cp -p`, `rsync -t`, tar,
 *   coarse-mtime file systems) is a different entry. The path is part of the name because the
 *   output names its source (`sourceURL`).
 * - **Written atomically** (temp file + rename), so concurrent workers and processes never read a
 *   partial entry. When no cache directory is writable the transform still works, uncached.
 * - **Pruned**: each use refreshes an entry's mtime. Writing a new entry keeps at most
 *   `KEEP_PER_SOURCE` entries of that source file (the most recently used: an edit, then going
 *   back to the previous version, is still a hit) and deletes the rest; and at most once per
 *   `SWEEP_EVERY_MS` per directory, entries unused for `UNUSED_MAX_MS` (scripts deleted or moved,
 *   temp folders), stale temp files and entries of the older naming are deleted. Both happen only
 *   on a miss, which already pays ~35 ms for the transformer.
 *
 * Measured (Node 20, 2 cores): requiring sucrase ~34 ms, transforming a small script ~3 ms,
 * reading the source and a cached entry well under 1 ms.
 */
import { closeSync, futimesSync, openSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { threadId } from 'node:worker_threads';
import { bytesKey, textKey } from '../core/content-key.js';
import { loadTransformer, type SucraseTransform } from './code-layout.js';

/** Entries kept per source file when a new one is written (the newest by last use, the new one included). */
export const KEEP_PER_SOURCE = 3;
/** Entries not used for this long are deleted by the sweep. */
export const UNUSED_MAX_MS = 30 * 24 * 3600_000;
/** A cache directory is swept at most this often (marker file `.swept`). */
export const SWEEP_EVERY_MS = 24 * 3600_000;
/** Temp files older than this are left-overs of a crashed write. */
const TMP_MAX_MS = 3600_000;

const ENTRY = /^[0-9a-f]{16}-[0-9a-f]{17,}\.mjs$/;

export interface TransformCacheOptions {
  /** Directories to try, in order; the first writable one is used. Empty = no disk cache. */
  readonly cacheDirs: readonly string[];
  /** Transformer identity (e.g. `sucrase@3.35.1+pb1`); part of every key. */
  readonly transformerVersion: string;
  /** file: URL of a module next to which `sucrase` resolves. */
  readonly resolveFrom: string;
}

export interface TransformedFile {
  readonly code: string;
  /** The cache file with exactly `code`, when the disk cache is in use. */
  readonly file: string | undefined;
}

/** Name of the cache entry for the source at `path` with content `source`. */
export function entryName(path: string, source: Uint8Array, transformerVersion: string): string {
  return `${textKey(path)}-${bytesKey(source, transformerVersion)}.mjs`;
}

export class TransformCache {
  private readonly options: TransformCacheOptions;
  private dir: string | null | undefined;
  private transformer: SucraseTransform | undefined;

  constructor(options: TransformCacheOptions) {
    this.options = options;
  }

  /**
   * The JavaScript for the TypeScript file at `path` (throws SyntaxError naming file:line:col),
   * and the cache file holding it when there is one. The code ends with a `sourceURL` comment
   * naming the source, so stack traces point at the .ts file even when the cache file is
   * imported directly.
   */
  async transformFile(path: string): Promise<TransformedFile> {
    // The hit path reads synchronously: it is on the way to a worker's first result, where each
    // asynchronous file operation is a round trip through libuv's thread pool.
    const source = readFileSync(path);
    const name = entryName(path, source, this.options.transformerVersion);
    const dir = this.dir === undefined ? this.options.cacheDirs[0] : this.dir;
    if (dir) {
      const file = join(dir, name);
      const code = readEntry(file);
      if (code !== undefined) return { code, file };
    }
    const code = `${this.transform(path, source.toString('utf8'))}\n//# sourceURL=${pathToFileURL(path).href}\n`;
    const file = await this.store(name, code);
    if (file !== undefined && this.dir) await prune(this.dir, name);
    return { code, file };
  }

  private transform(path: string, source: string): string {
    this.transformer ??= loadTransformer(this.options.resolveFrom);
    try {
      return this.transformer(source, { transforms: ['typescript'], disableESTransforms: true, filePath: path }).code;
    } catch (e) {
      const loc = (e as { loc?: { line?: number; column?: number } }).loc;
      const raw = e instanceof Error ? e.message : String(e);
      // sucrase: "Error transforming <path>: <what> (l:c)"; keep only <what>.
      const what = raw.replace(/^Error transforming .*?: /, '').replace(/ \(\d+:\d+\)$/, '');
      if (loc?.line !== undefined) {
        // sucrase reports an error inside an arrow function at the arrow's start.
        throw new SyntaxError(`${path}:${loc.line}:${loc.column ?? 0}: ${what}`);
      }
      throw new SyntaxError(`${path}: ${what}`);
    }
  }

  private async store(name: string, code: string): Promise<string | undefined> {
    for (;;) {
      const dir = this.dir === undefined ? this.options.cacheDirs[0] : this.dir;
      if (!dir) return undefined;
      try {
        await mkdir(dir, { recursive: true });
        const tmp = join(dir, `${name}.${process.pid}.${threadId}.${Math.random().toString(36).slice(2)}.tmp`);
        await writeFile(tmp, code);
        const file = join(dir, name);
        await rename(tmp, file);
        this.dir = dir;
        return file;
      } catch {
        // Not writable: try the next candidate, or give up caching.
        const i = this.options.cacheDirs.indexOf(dir);
        this.dir = this.options.cacheDirs[i + 1] ?? null;
      }
    }
  }
}

/** An entry's code, marking it as used now (its mtime is its last use); undefined on a miss. */
function readEntry(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const code = readFileSync(fd, 'utf8');
    const now = new Date();
    try {
      futimesSync(fd, now, now);
    } catch {
      // not ours to touch: it stays a hit, only its last use is not recorded
    }
    return code;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * After writing entry `written`: keep the newest `KEEP_PER_SOURCE` entries of its source file,
 * and sweep the directory when it is due. Failures are ignored (another process may be pruning).
 */
async function prune(dir: string, written: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const prefix = written.slice(0, written.indexOf('-') + 1);
  const siblings = names.filter((n) => n !== written && n.startsWith(prefix) && ENTRY.test(n));
  if (siblings.length >= KEEP_PER_SOURCE) {
    const dated = await Promise.all(siblings.map(async (n) => ({ n, t: await mtimeOf(join(dir, n)) })));
    dated.sort((a, b) => b.t - a.t);
    await Promise.all(dated.slice(KEEP_PER_SOURCE - 1).map((d) => remove(join(dir, d.n))));
  }
  await sweep(dir, names);
}

async function sweep(dir: string, names: readonly string[]): Promise<void> {
  const marker = join(dir, '.swept');
  const now = Date.now();
  if (now - (await mtimeOf(marker)) < SWEEP_EVERY_MS) return;
  await writeFile(marker, '').catch(() => undefined);
  await Promise.all(
    names.map(async (n) => {
      const file = join(dir, n);
      if (ENTRY.test(n)) {
        if (now - (await mtimeOf(file)) > UNUSED_MAX_MS) await remove(file);
      } else if (n.endsWith('.tmp')) {
        if (now - (await mtimeOf(file)) > TMP_MAX_MS) await remove(file);
      } else if (n.endsWith('.mjs')) {
        await remove(file); // an entry of the older naming (path + mtime + size): never read again
      }
    }),
  );
}

/** mtime in ms, or 0 when the file cannot be read (absent: due / removable). */
async function mtimeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return 0;
  }
}

async function remove(file: string): Promise<void> {
  await unlink(file).catch(() => undefined);
}
