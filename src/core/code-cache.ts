/**
 * Loading procblock's own CommonJS bundles (dist/bundle/*.cjs, tools/build.mjs) with V8's code
 * cache, as `require()` would load them but without parsing and compiling them again on every
 * start. Node 20 has no compile cache of its own for user code (`module.enableCompileCache()` is
 * Node 22); parsing the CLI bundle was the largest part of the main thread's start-up.
 *
 * - **Keyed on content**: an entry is named `<bundle>-<SHA-256 of the bytes loaded>-<runtime key>.v8`.
 *   The hash is taken on every load (~1 ms for the 1.3 MB CLI bundle), so a rebuilt or edited
 *   bundle can never meet the code compiled from an earlier one (V8's own check compares little
 *   more than the source's length). The runtime key covers what V8 checks a code cache against
 *   (Node and V8 version, architecture, the V8 flags given by `execArgv` and `NODE_OPTIONS`), so
 *   each combination keeps its own entry instead of two of them overwriting each other. V8 also
 *   rejects data that does not fit; a rejected entry is written again.
 * - **Written once**, with the functions the run compiled (V8 compiles most functions on first
 *   call, and `createCachedData()` after the run includes them): `saveCodeCaches()` writes the
 *   entries of bundles that had none or a rejected one, atomically (temp file + rename). The CLI
 *   calls it at exit, a worker after its first transform.
 * - **Pruned**: writing an entry deletes older entries of the same bundle name beyond the newest
 *   `KEEP_PER_BUNDLE` (other Node versions or flags), so rebuilds do not pile up entries.
 * - Directories: `procblockCacheDirs('v8')` (`PROCBLOCK_CACHE_DIR` replaces them), first writable
 *   wins; when none is readable or writable the bundle still loads, compiled as `require()` would.
 */
import { isAscii } from 'node:buffer';
import { readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script, constants as vmConstants } from 'node:vm';
import { threadId } from 'node:worker_threads';
import { procblockCacheDirs } from './cache-dirs.js';
import { textKey } from './content-key.js';

/** Entries kept per bundle name when one is written (the newest by mtime, the new one included). */
export const KEEP_PER_BUNDLE = 4;

export interface CodeCacheOptions {
  /** Directories to try, in order; the first writable one is used. Default: `procblockCacheDirs('v8')`. */
  readonly cacheDirs?: readonly string[] | undefined;
}

export interface LoadedBundle {
  readonly exports: unknown;
  /** How the code cache was used: 'hit' (accepted), 'miss' (none yet), 'rejected' (V8 refused it), 'off' (no cache folder). */
  readonly cache: 'hit' | 'miss' | 'rejected' | 'off';
}

interface Pending {
  readonly script: Script;
  readonly name: string;
  readonly bundle: string;
  readonly cacheDirs: readonly string[];
}

const pending: Pending[] = [];

type Sha256 = (bytes: Uint8Array) => string;
let sha256: Sha256 | undefined;

/**
 * node:crypto, loaded on first use: a script worker imports this module at start but hashes
 * only on a transform-cache miss, and loading node:crypto costs a worker thread ~2 ms.
 */
function sha256Hex(bytes: Uint8Array): string {
  if (sha256 === undefined) {
    const { createHash } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
    sha256 = (b) => createHash('sha256').update(b).digest('hex');
  }
  return sha256(bytes);
}

// CommonJS's module wrapper, on the first line so line numbers stay those of the file.
const WRAP_HEAD = '(function (exports, require, module, __filename, __dirname) { ';
const WRAP_TAIL = '\n});';

/** Load the CommonJS bundle `file` (its exports), through the code cache. */
export function requireBundle(file: string, options: CodeCacheOptions = {}): LoadedBundle {
  const bytes = readFileSync(file);
  // The build writes ASCII only (tools/build.mjs): Latin-1 decoding is then exact, and cheap.
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  const cacheDirs = options.cacheDirs ?? procblockCacheDirs('v8');
  const name = cacheDirs.length === 0 ? '' : entryName(file, bytes);
  const cachedData = cacheDirs.length > 0 ? readEntry(cacheDirs, name) : undefined;
  const script = new Script(WRAP_HEAD + source + WRAP_TAIL, {
    filename: file,
    ...(cachedData === undefined ? {} : { cachedData }),
    // A bundle keeps no import() of its own (tools/build.mjs checks); this serves one anyway.
    importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const cache = cacheDirs.length === 0 ? 'off' : cachedData === undefined ? 'miss' : script.cachedDataRejected === true ? 'rejected' : 'hit';
  if (cache === 'miss' || cache === 'rejected') pending.push({ script, name, bundle: basename(file), cacheDirs });
  const module = { exports: {} as unknown, filename: file, id: file, loaded: false };
  const wrapper = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: typeof module, f: string, d: string) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
  return { exports: module.exports, cache };
}

/**
 * Write the code cache of every bundle loaded without a usable one, with what this thread has
 * compiled so far. Failures are ignored (a read-only cache folder, another process pruning).
 */
export function saveCodeCaches(): void {
  for (const p of pending.splice(0)) {
    let data: Buffer;
    try {
      data = p.script.createCachedData();
    } catch {
      continue;
    }
    for (const dir of p.cacheDirs) {
      if (writeEntry(dir, p.name, data)) {
        prune(dir, p.bundle, p.name);
        break;
      }
    }
  }
}

/** Name of the entry for the bundle `file` with content `bytes`, for this Node, architecture and V8 flags. */
export function entryName(file: string, bytes: Uint8Array): string {
  const hash = sha256Hex(bytes);
  const runtime = [process.version, process.versions.v8, process.arch, process.execArgv.join(' '), process.env.NODE_OPTIONS ?? ''].join('\n');
  return `${basename(file)}-${hash.slice(0, 32)}-${textKey(runtime)}.v8`;
}

function readEntry(cacheDirs: readonly string[], name: string): Buffer | undefined {
  for (const dir of cacheDirs) {
    try {
      return readFileSync(join(dir, name));
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

function writeEntry(dir: string, name: string, data: Buffer): boolean {
  const tmp = join(dir, `${name}.${process.pid}.${threadId}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, join(dir, name));
    return true;
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // never written
    }
    return false;
  }
}

/** Keep the newest `KEEP_PER_BUNDLE` entries of `bundle` (`written` among them). */
function prune(dir: string, bundle: string, written: string): void {
  const entry = new RegExp(`^${bundle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[0-9a-f]{32}-[0-9a-f]{16}\\.v8$`);
  try {
    const siblings = readdirSync(dir)
      .filter((n) => n !== written && entry.test(n))
      .map((n) => ({ n, t: mtimeOf(join(dir, n)) }))
      .sort((a, b) => b.t - a.t);
    for (const s of siblings.slice(KEEP_PER_BUNDLE - 1)) unlinkSync(join(dir, s.n));
  } catch {
    // another process is pruning too
  }
}

function mtimeOf(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}
