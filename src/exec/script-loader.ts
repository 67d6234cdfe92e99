/**
 * Loading block scripts inside a worker: TypeScript via the transform cache (imported directly
 * when possible, see direct-load.ts) or the loader hooks (registered on first need: each
 * registration starts a loader thread), JavaScript natively. Load failures are described as data
 * with a procblock error code.
 *
 * A script is loaded once per worker and generation. The generation is the runner's: 0 until
 * `ScriptRunner.reloadScripts` names the script, then a new number each time. A new generation
 * loads the script again under a module URL that Node's module map has not seen: the transform
 * cache file of the new content (content-keyed) for a directly imported script, else the
 * script's URL with `?pbv=<generation>`, which the hooks pass on to its local imports, so a
 * changed helper is loaded again too. (Node never unloads modules: each reload of such a
 * script keeps its previous module graph in memory.)
 */
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import type { ProcessBlock } from '../script-api.js';
import { canImportDirectly } from './direct-load.js';
import { commonJsPackageHint, noExportMessage } from './load-hints.js';
import type { TaskFailure } from './protocol.js';
import { TransformCache } from './transform-cache.js';
import type { TsHooksData } from './ts-hooks.js';

export class LoadFailure extends Error {
  constructor(readonly failure: TaskFailure) {
    super(failure.message);
  }
}

const TS_FILE = /\.m?ts$/;
const NEEDS_HOOKS = new Set(['ERR_UNKNOWN_FILE_EXTENSION', 'ERR_MODULE_NOT_FOUND']);

export class ScriptLoader {
  private readonly tsHooks: TsHooksData;
  private readonly tsCache: TransformCache;
  private readonly handlers = new Map<string, { readonly fn: ProcessBlock; readonly gen: number }>();
  private hooksRegistered = false;

  constructor(tsHooks: TsHooksData) {
    this.tsHooks = tsHooks;
    this.tsCache = new TransformCache(tsHooks);
  }

  /** The cached handler, if generation `gen` of the script was loaded before (the hot path: no promise). */
  cached(script: string, gen: number): ProcessBlock | undefined {
    const h = this.handlers.get(script);
    return h !== undefined && h.gen === gen ? h.fn : undefined;
  }

  /** Load generation `gen` of `script` and return its processBlock; throws LoadFailure. */
  async load(script: string, gen: number): Promise<ProcessBlock> {
    const cached = this.cached(script, gen);
    if (cached) return cached;
    let mod: Record<string, unknown>;
    try {
      mod = await this.importScript(script, gen);
    } catch (e) {
      throw new LoadFailure(await describeLoadError(script, e));
    }
    const fn = mod.processBlock ?? (mod.default as { processBlock?: unknown } | undefined)?.processBlock;
    if (typeof fn !== 'function') {
      throw new LoadFailure({
        code: 'PB_ERR_SCRIPT_NO_EXPORT',
        message: noExportMessage(script, mod),
        errorName: 'TypeError',
        errorMessage: 'processBlock is not exported',
        stack: undefined,
        file: script,
      });
    }
    this.handlers.set(script, { fn: fn as ProcessBlock, gen });
    return fn as ProcessBlock;
  }

  private ensureHooks(): void {
    if (this.hooksRegistered) return;
    register(new URL('./ts-hooks.js', import.meta.url), { data: this.tsHooks });
    this.hooksRegistered = true;
  }

  /**
   * TypeScript: transform in this thread (cached on disk) and import the cache file directly when
   * it needs no resolution help; otherwise, and for JavaScript that turns out to import
   * TypeScript, go through the loader hooks. A reloaded JavaScript script goes through the hooks
   * too, which give its local imports its generation.
   */
  private async importScript(script: string, gen: number): Promise<Record<string, unknown>> {
    const url = versioned(pathToFileURL(script).href, gen);
    if (TS_FILE.test(script)) {
      if (!this.hooksRegistered) {
        const { code, file } = await this.tsCache.transformFile(script);
        if (file !== undefined && canImportDirectly(code)) {
          try {
            return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
          } catch (e) {
            // Pruned by another process between our read and the import: load through the hooks.
            if (!NEEDS_HOOKS.has(String((e as { code?: unknown } | null)?.code)) || existsSync(file)) throw e;
          }
        }
      }
      this.ensureHooks();
      return (await import(url)) as Record<string, unknown>;
    }
    if (gen > 0) this.ensureHooks();
    try {
      return (await import(url)) as Record<string, unknown>;
    } catch (e) {
      const code = (e as { code?: unknown } | null)?.code;
      if (this.hooksRegistered || typeof code !== 'string' || !NEEDS_HOOKS.has(code) || !existsSync(script)) throw e;
      this.ensureHooks();
      // A fresh URL: the failed attempt stays in the module map under the plain one.
      return (await import(`${url}${url.includes('?') ? '&' : '?'}hooks`)) as Record<string, unknown>;
    }
  }
}

/** The module URL of generation `gen` of a script (see the module comment). */
export function versioned(url: string, gen: number): string {
  return gen === 0 ? url : `${url}?pbv=${gen}`;
}

export interface ErrorParts {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly code: unknown;
}

export function errorParts(e: unknown): ErrorParts {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack, code: (e as { code?: unknown }).code };
  return { name: typeof e, message: format(e), stack: undefined, code: undefined };
}

async function describeLoadError(script: string, e: unknown): Promise<TaskFailure> {
  const p = errorParts(e);
  const base = { errorName: p.name, errorMessage: p.message, stack: p.stack };
  if (p.code === 'ERR_MODULE_NOT_FOUND' || p.code === 'ENOENT' || p.code === 'ERR_UNKNOWN_FILE_EXTENSION') {
    const missing = !existsSync(script);
    return {
      ...base,
      code: 'PB_ERR_SCRIPT_NOT_FOUND',
      message: missing ? `script not found: ${script}` : `script ${script} could not be loaded: ${p.message}`,
      file: script,
    };
  }
  if (p.name === 'SyntaxError') {
    const loc = syntaxLocation(p.message, p.stack) ?? (await checkedLocation(script));
    const file = loc?.file ?? script;
    const where = loc?.line === undefined ? file : `${file}:${loc.line}${loc.col === undefined ? '' : `:${loc.col}`}`;
    const what = p.message.replace(/^.*?:\d+:\d+: /, '');
    const message = commonJsPackageHint(script, p.message) ?? `syntax error in ${where}: ${what}`;
    return { ...base, code: 'PB_ERR_SCRIPT_SYNTAX', message, file, line: loc?.line, col: loc?.col };
  }
  return { ...base, code: 'PB_ERR_SCRIPT_THROW', message: `script ${script} threw while loading: ${p.name}: ${p.message}`, file: script };
}

interface Where {
  readonly file: string;
  readonly line?: number;
  readonly col?: number;
}

/** Location of a syntax error: ours (`/path.ts:3:9: ...`) or V8's (`file:///path.mjs:3` first stack line). */
function syntaxLocation(message: string, stack: string | undefined): Where | undefined {
  const ours = /^(.+?\.m?ts):(\d+):(\d+): /.exec(message);
  if (ours) return { file: ours[1] ?? '', line: Number(ours[2]), col: Number(ours[3]) };
  const v8 = stack === undefined ? null : /^(file:\/\/\S+?):(\d+)\s*$/m.exec(stack);
  if (v8) return { file: decodeURIComponent(new URL(v8[1] ?? '').pathname), line: Number(v8[2]) };
  return undefined;
}

/**
 * V8 keeps the position of a module's parse error out of `error.stack` (Node prints it only for
 * uncaught errors), so ask `node --check` once; this runs only on the error path.
 */
async function checkedLocation(script: string): Promise<Where | undefined> {
  if (TS_FILE.test(script)) return undefined;
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, ['--check', script], { encoding: 'utf8', timeout: 10_000 });
  const m = /^(.+):(\d+)\r?$/m.exec(r.stderr ?? '');
  if (!m) return undefined;
  return { file: m[1] ?? script, line: Number(m[2]) };
}
