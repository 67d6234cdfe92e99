/**
 * A cache of loaded and validated blocks, so that running an unchanged block again does not
 * import the YAML parser and the schema validator at all (about 60 ms of a ~200 ms start-up).
 *
 * An entry is valid only when, at the time of the run:
 * - the loader itself is unchanged (size and mtime of its compiled modules and validator),
 * - every file the block was read from (the top file and every import) has the same CONTENT
 *   (length + two 32-bit FNV-1a hashes over the bytes; mtimes are not trusted),
 * - every script the block refers to (run items, `__tags`) still exists.
 * Anything else is a miss: the real loader runs, reports problems exactly as always, and only a
 * block without problems is written to the cache (atomically: temp file + rename). A corrupt or
 * unreadable entry is a miss, never an error. Blocks holding values JSON cannot carry exactly
 * (`.inf`, `.nan`, `-0`) are not cached. `procblock --check` does not use the cache.
 *
 * Entries live in `procblockCacheDirs('blocks')` (see src/core/cache-dirs.ts), one per block path.
 * This module imports nothing heavy: the loader is imported only on a miss.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { procblockCacheDirs } from '../core/cache-dirs.js';
import type { SourceLocation } from '../core/errors.js';
import { deepFreeze } from './deep-freeze.js';
import { SourceMap, type Position } from './source-map.js';
import type { CustomTagSpec, KeyPath, LoadedBlock, UsageSpec } from './types.js';

const FORMAT = 1;

interface FileStamp {
  readonly path: string;
  readonly hash: string;
}

interface Entry {
  readonly format: number;
  readonly loader: string;
  readonly files: readonly FileStamp[];
  readonly scripts: readonly string[];
  readonly file: string;
  readonly dir: string;
  readonly data: Record<string, unknown>;
  readonly usage: UsageSpec | null;
  readonly tags: readonly { pattern: string; source: string; flags: string; script: string; priority: number; location?: SourceLocation | undefined }[];
  readonly blockFiles: readonly string[];
  readonly positions: readonly [string, Position][];
}

export interface BlockCacheOptions {
  /** Folder for entries; false disables the cache. Default: see the module comment. */
  readonly cacheDir?: string | false | undefined;
}

/** `checkBlock(file)`, answered from the cache when the block and its files are unchanged. */
export async function checkBlockCached(file: string, options: BlockCacheOptions = {}): Promise<LoadedBlock> {
  const absFile = path.resolve(file);
  const dirs = options.cacheDir === false ? [] : options.cacheDir !== undefined ? [options.cacheDir] : procblockCacheDirs('blocks');
  const name = `${fnv1a(Buffer.from(absFile), 0x811c9dc5).toString(16)}.json`;
  const loader = loaderStamp();
  for (const dir of dirs) {
    const hit = readEntry(path.join(dir, name), absFile, loader);
    if (hit) return hit;
  }
  const { loadBlockWithPositions } = await import('./load-block.js');
  const { block, positions } = await loadBlockWithPositions(absFile, { validate: true });
  const entry = toEntry(block, positions, loader);
  if (entry) {
    for (const dir of dirs) if (writeEntry(dir, name, entry)) break;
  }
  return block;
}

function readEntry(entryFile: string, absFile: string, loader: string): LoadedBlock | undefined {
  let entry: Entry;
  try {
    entry = JSON.parse(readFileSync(entryFile, 'utf8')) as Entry;
  } catch {
    return undefined;
  }
  try {
    if (entry.format !== FORMAT || entry.loader !== loader || entry.file !== absFile) return undefined;
    for (const f of entry.files) if (contentHash(f.path) !== f.hash) return undefined;
    for (const s of entry.scripts) if (!existsSync(s)) return undefined;
    const positions = SourceMap.fromEntries(entry.positions);
    const tags: CustomTagSpec[] = entry.tags.map((t) =>
      Object.freeze({ pattern: t.pattern, regex: new RegExp(t.source, t.flags), script: t.script, priority: t.priority, location: t.location }),
    );
    return Object.freeze({
      file: entry.file,
      dir: entry.dir,
      data: deepFreeze(entry.data),
      usage: entry.usage === null ? undefined : deepFreeze(entry.usage),
      tags: Object.freeze(tags),
      files: Object.freeze([...entry.blockFiles]),
      locate: (p: KeyPath): SourceLocation => positions.locate(p, entry.file),
    });
  } catch {
    return undefined;
  }
}

function toEntry(block: LoadedBlock, positions: SourceMap, loader: string): Entry | undefined {
  if (!jsonExact(block.data) || !jsonExact(block.usage ?? null)) return undefined;
  const files: FileStamp[] = [];
  for (const f of block.files) {
    const hash = contentHash(f);
    if (hash === undefined) return undefined;
    files.push({ path: f, hash });
  }
  return {
    format: FORMAT,
    loader,
    files,
    scripts: [...new Set([...referencedScripts(block), ...block.tags.map((t) => t.script)])],
    file: block.file,
    dir: block.dir,
    data: block.data as Record<string, unknown>,
    usage: block.usage ?? null,
    tags: block.tags.map((t) => ({ pattern: t.pattern, source: t.regex.source, flags: t.regex.flags, script: t.script, priority: t.priority, location: t.location })),
    blockFiles: [...block.files],
    positions: positions.entries(),
  };
}

function writeEntry(dir: string, name: string, entry: Entry): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    const target = path.join(dir, name);
    const tmp = `${target}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, target);
    return true;
  } catch {
    return false;
  }
}

/** Every `script:` string in run items anywhere in the block, resolved like the loader does. */
function referencedScripts(block: LoadedBlock): string[] {
  const out: string[] = [];
  const walk = (node: unknown, at: (string | number)[]): void => {
    if (Array.isArray(node)) node.forEach((v, i) => walk(v, [...at, i]));
    else if (node !== null && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'script' && typeof v === 'string') out.push(path.resolve(path.dirname(block.locate([...at, k]).file), v));
        else walk(v, [...at, k]);
      }
    }
  };
  walk(block.data, []);
  return out;
}

/**
 * The loader's identity, so that a rebuilt loader invalidates every entry: the build's content
 * stamp (tools/build.mjs writes dist/.build-hash, a hash over all of src/, so a change in any
 * module the loader uses counts) and the size and mtime of the loader's compiled modules. Paths
 * go through dist/ (`../config/…`, `../language/…`): they mean the same from dist/config/ and from
 * the CLI bundle in dist/bundle/.
 */
function loaderStamp(): string {
  const parts: string[] = [String(FORMAT)];
  try {
    parts.push(readFileSync(new URL('../.build-hash', import.meta.url), 'utf8').trim());
  } catch {
    parts.push('-');
  }
  const files = ['config/load-block.js', 'config/schema-check.js', 'config/semantic-check.js', 'config/generated/block-validator.js', 'config/imports.js', 'config/read-yaml.js', 'language/tag-key.js'];
  for (const name of files) {
    try {
      const st = statSync(new URL(`../${name}`, import.meta.url));
      parts.push(`${st.size}:${st.mtimeMs}`);
    } catch {
      parts.push('-');
    }
  }
  return parts.join('|');
}

function contentHash(file: string): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  return `${bytes.length}:${fnv1a(bytes, 0x811c9dc5).toString(16)}:${fnv1a(bytes, 0x01000193).toString(16)}`;
}

function fnv1a(bytes: Uint8Array, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i] as number;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * True when JSON round-trips `value` exactly: no non-finite numbers, -0 or class instances.
 * Properties holding `undefined` are dropped by JSON and read back as `undefined`: allowed.
 */
function jsonExact(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(jsonExact);
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return false;
    return Object.values(value).every((v) => v === undefined || jsonExact(v));
  }
  return false;
}
