/**
 * What hot reload needs to know of one loaded version of a block, read once after it validated:
 * its RunThread items (by thread id as written), every script it may run with the content key of
 * its code (the script and its local imports), the files to watch, and comparable text of its
 * meaning. The diff (diff.ts) compares two plans without touching the disk.
 *
 * RunThread items are found where the engine will meet them (config/run-items.ts), in every
 * branch of a condition: a plan knows what a version may start, the reload's processing decides
 * what it does start.
 */
import path from 'node:path';
import { formatKeyPath, type SourceLocation } from '../core/errors.js';
import { runItems } from '../config/run-items.js';
import { isPlainObject } from '../config/plain-object.js';
import type { KeyPath, LoadedBlock } from '../config/types.js';
import { classifyKey } from '../language/tag-key.js';
import { collectOf, rrdShape, type RrdShape } from './rrd-shape.js';
import { contentKey, type ScriptGraph, type ScriptGraphReader } from './script-graph.js';

export interface PlannedThread {
  /** `thread_id` as written, else the script's base name (what the engine defaults to). */
  readonly id: string;
  readonly location: SourceLocation;
  /** The run item as comparable text (every key, `timeseries collect` included). */
  readonly item: string;
  /** Absolute path of the script, for script threads. */
  readonly script: string | undefined;
  readonly rrd: RrdShape | undefined;
}

export interface BlockPlan {
  readonly block: LoadedBlock;
  /** Items by thread id (a block may declare one id in several branches). */
  readonly threads: ReadonlyMap<string, readonly PlannedThread[]>;
  /** Every script the block may run (run items and custom tags), absolute path → its graph. */
  readonly scripts: ReadonlyMap<string, ScriptGraph>;
  /** The block's data, `__usage`, custom tags and template files' content keys, as comparable text. */
  readonly meaning: string;
  /** The parts of `__usage` a running process depends on, as comparable text. */
  readonly runtimeUsage: string;
  /** What of `dropstar:` a listening server cannot change (address, auth on/off), or undefined without one. */
  readonly webAddress: { readonly host: unknown; readonly port: unknown; readonly auth: boolean; readonly insecure: unknown } | undefined;
  /** Files whose change may change this version: YAML, scripts and their imports, templates. */
  readonly watch: readonly string[];
}

export async function planBlock(block: LoadedBlock, reader: ScriptGraphReader): Promise<BlockPlan> {
  const threads = new Map<string, PlannedThread[]>();
  const scriptFiles = new Set<string>(block.tags.map((t) => t.script));
  for (const { item, path: at } of runItems(block.data, block.tags)) {
    const script = typeof item['script'] === 'string' && item['script'] !== '' ? resolveFrom(block, [...at, 'script'], item['script']) : undefined;
    if (script) scriptFiles.add(script);
    if (!isRunThread(item)) continue;
    const id = writtenId(item, at);
    const planned: PlannedThread = {
      id,
      location: { ...block.locate(at), keyPath: formatKeyPath(at) },
      item: JSON.stringify(item),
      script,
      rrd: rrdShape(collectOf(item)),
    };
    const list = threads.get(id);
    if (list) list.push(planned);
    else threads.set(id, [planned]);
  }
  const scripts = new Map<string, ScriptGraph>();
  for (const s of [...scriptFiles].sort()) scripts.set(s, await reader.graph(s));
  const watch = new Set<string>(block.files);
  for (const g of scripts.values()) for (const f of g.files) watch.add(f);
  // Templates are read when processed: their text is part of what the block means.
  const templates: [string, string][] = [];
  for (const t of templateFiles(block)) {
    watch.add(t);
    templates.push([t, contentKey(await reader.read(t))]);
  }
  return {
    block,
    threads,
    scripts,
    meaning: JSON.stringify([block.data, block.usage, block.tags.map((t) => [t.pattern, t.script, t.priority]), templates]),
    runtimeUsage: runtimeUsage(block),
    webAddress: webAddress(block),
    watch: [...watch].sort(),
  };
}

/** `cache:` other than off (`false`, `0`, null) makes a run item a RunThread (SPEC §3.2). */
function isRunThread(item: Readonly<Record<string, unknown>>): boolean {
  const c = item['cache'];
  return c !== undefined && c !== null && c !== false && c !== 0;
}

function writtenId(item: Readonly<Record<string, unknown>>, at: KeyPath): string {
  const given = item['thread_id'];
  if (typeof given === 'string' && given !== '') return given;
  if (typeof given === 'number') return String(given);
  const script = item['script'];
  if (typeof script === 'string') return path.basename(script, path.extname(script));
  return `<item at ${formatKeyPath(at)}>`;
}

function resolveFrom(block: LoadedBlock, at: KeyPath, written: string): string {
  return path.resolve(path.dirname(block.locate(at).file), written);
}

/**
 * Template files (`template: {path: …}`) anywhere in the data, resolved as the template tag does;
 * paths with placeholders are left out (they are known only when processed).
 */
function templateFiles(block: LoadedBlock): string[] {
  const out: string[] = [];
  const walk = (v: unknown, at: KeyPath): void => {
    if (Array.isArray(v)) {
      v.forEach((e, i) => walk(e, [...at, i]));
      return;
    }
    if (!isPlainObject(v)) return;
    for (const [key, value] of Object.entries(v)) {
      const here = [...at, key];
      if (classifyKey(key, block.tags).kind === 'template' && isPlainObject(value) && typeof value['path'] === 'string' && !value['path'].includes('%(')) {
        out.push(resolveFrom(block, here, value['path']));
      } else walk(value, here);
    }
  };
  walk(block.data, []);
  return out;
}

/** The top-level `dropstar:` settings a listening server keeps (src/web/host.ts `reload`). */
function webAddress(block: LoadedBlock): BlockPlan['webAddress'] {
  const d = block.data['dropstar'];
  if (!isPlainObject(d)) return undefined;
  return { host: d['host'] ?? '127.0.0.1', port: d['port'], auth: d['auth'] !== undefined, insecure: d['insecure'] ?? false };
}

/** `__usage` without its descriptive fields (name, author, info, website), which may change live. */
function runtimeUsage(block: LoadedBlock): string {
  const u = block.usage;
  if (!u) return 'none';
  const { longrunning, daemon, pidfile, logfile, cwd, args, options } = u;
  return JSON.stringify({ longrunning, daemon, pidfile, logfile, cwd, args, options });
}
