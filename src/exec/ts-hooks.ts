/**
 * Module loader hooks that let worker threads import block scripts written in TypeScript
 * (`.ts`, `.mts`) without a build step. Registered inside each worker by `worker.ts`
 * (`module.register`); in Node 20 hooks run on their own loader thread and are not inherited
 * from the main thread.
 *
 * - `load`: strips types with sucrase (`typescript` transform only, ES syntax kept, so the output
 *   is still ESM and line numbers match the source). Output is cached on disk, keyed by path +
 *   content + transformer version (see transform-cache.ts); sucrase itself is only loaded on a
 *   cache miss, because requiring it costs ~30 ms.
 * - `resolve`: the bare specifier `procblock` (and `procblock/...`) resolves to this package, so
 *   scripts anywhere can `import { … } from 'procblock'`; a relative `./x.js` that does not exist
 *   falls back to `./x.ts` (and `.mjs` → `.mts`, extensionless → `.ts`, `/index.ts`), the
 *   TypeScript convention for ESM.
 * - A module loaded under a reload generation (`?pbv=N`, see script-loader.ts) passes it on to
 *   the local files it imports (not to `node_modules`), so they are loaded afresh with it.
 *
 * `.ts` files are always loaded as ES modules, whatever the nearest package.json says.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TransformCache, type TransformCacheOptions } from './transform-cache.js';

/** What `worker.ts` passes to `module.register(..., { data })`. */
export interface TsHooksData extends TransformCacheOptions {
  /** file: URL of this package's entry (`dist/index.js`). */
  readonly selfUrl: string;
}

interface ResolveContext {
  readonly parentURL?: string | undefined;
  readonly conditions?: readonly string[];
}
interface ResolveResult {
  readonly url: string;
  readonly format?: string | null | undefined;
  readonly shortCircuit?: boolean;
}
interface LoadResult {
  readonly format: string;
  readonly source?: string | ArrayBuffer | Uint8Array | null | undefined;
  readonly shortCircuit?: boolean;
}
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<ResolveResult>;
type NextLoad = (url: string, context?: { format?: string | null | undefined }) => Promise<LoadResult>;

let selfUrl = '';
let cache: TransformCache | undefined;

export function initialize(data: TsHooksData): void {
  selfUrl = data.selfUrl;
  cache = new TransformCache(data);
}

const TS_URL = /\.m?ts$/;

export async function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): Promise<ResolveResult> {
  if (specifier === 'procblock') return { url: selfUrl, format: 'module', shortCircuit: true };
  if (specifier.startsWith('procblock/')) {
    return { url: new URL(specifier.slice('procblock/'.length), new URL('../', selfUrl)).href, shortCircuit: true };
  }
  const gen = generationOf(context.parentURL);
  try {
    const resolved = await nextResolve(specifier, context);
    return gen === undefined ? resolved : { ...resolved, url: withGeneration(resolved.url, gen) };
  } catch (e) {
    const parent = context.parentURL;
    if (!isNotFound(e) || parent === undefined || !parent.startsWith('file:') || !isRelative(specifier)) throw e;
    for (const candidate of tsCandidates(specifier)) {
      const url = new URL(candidate, parent);
      url.search = '';
      if (existsSync(fileURLToPath(url))) return { url: gen === undefined ? url.href : withGeneration(url.href, gen), format: 'module', shortCircuit: true };
    }
    throw e;
  }
}

/** The reload generation a module URL carries (`?pbv=N`), if any. */
function generationOf(url: string | undefined): string | undefined {
  if (url === undefined || !url.startsWith('file:')) return undefined;
  const m = /[?&]pbv=(\d+)/.exec(url);
  return m?.[1];
}

/** A local file's URL with generation `gen`; packages and URLs that carry a query are left alone. */
function withGeneration(url: string, gen: string): string {
  if (!url.startsWith('file:') || url.includes('/node_modules/') || /[?#]/.test(url)) return url;
  return `${url}?pbv=${gen}`;
}

export async function load(url: string, context: { format?: string | null | undefined }, nextLoad: NextLoad): Promise<LoadResult> {
  if (!url.startsWith('file:')) return nextLoad(url, context);
  const bare = stripQuery(url);
  if (!TS_URL.test(bare)) return nextLoad(url, context);
  if (cache === undefined) throw new Error('procblock ts-hooks used before initialize()');
  const { code } = await cache.transformFile(fileURLToPath(bare));
  return { format: 'module', source: code, shortCircuit: true };
}

function stripQuery(url: string): string {
  const q = url.search(/[?#]/);
  return q === -1 ? url : url.slice(0, q);
}

function isRelative(s: string): boolean {
  return s.startsWith('./') || s.startsWith('../') || s.startsWith('/') || s.startsWith('file:');
}

function isNotFound(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_UNSUPPORTED_DIR_IMPORT';
}

function tsCandidates(specifier: string): string[] {
  if (specifier.endsWith('.js')) return [`${specifier.slice(0, -3)}.ts`];
  if (specifier.endsWith('.mjs')) return [`${specifier.slice(0, -4)}.mts`];
  if (/\.[cm]?[jt]sx?$|\.json$/.test(specifier)) return [];
  return [`${specifier}.ts`, `${specifier}.mts`, `${specifier.replace(/\/$/, '')}/index.ts`];
}

