/**
 * Resolved once per runner: what the TypeScript loader hooks in each worker need.
 * Cache directory, first writable wins: `node_modules/.cache/procblock/ts` in the node_modules
 * that holds our package (or in our own checkout's node_modules; the babel/eslint convention),
 * then `$XDG_CACHE_HOME/procblock/ts` or `~/.cache/procblock/ts`. `cacheDir: false` disables
 * the disk cache.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TsHooksData } from './ts-hooks.js';

/** Bump when our transform options change, so old cache entries are not reused. */
const TRANSFORM_REVISION = 1;

let sucraseVersion: string | undefined;

export function tsHooksData(cacheDir: string | false | undefined): TsHooksData {
  const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
  const resolveFrom = new URL('../../package.json', import.meta.url).href;
  sucraseVersion ??= readSucraseVersion(resolveFrom);
  let cacheDirs: string[];
  if (cacheDir === false) cacheDirs = [];
  else if (cacheDir !== undefined) cacheDirs = [cacheDir];
  else {
    const xdg = process.env.XDG_CACHE_HOME;
    cacheDirs = [
      join(nodeModulesOf(packageRoot), '.cache', 'procblock', 'ts'),
      join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'procblock', 'ts'),
    ];
  }
  return {
    selfUrl: new URL('../index.js', import.meta.url).href,
    resolveFrom,
    cacheDirs,
    transformerVersion: `sucrase@${sucraseVersion}+pb${TRANSFORM_REVISION}`,
  };
}

function readSucraseVersion(resolveFrom: string): string {
  try {
    const main = createRequire(resolveFrom).resolve('sucrase');
    // .../node_modules/sucrase/dist/index.js → .../node_modules/sucrase/package.json
    const pkg = join(dirname(dirname(main)), 'package.json');
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The node_modules folder our package is installed in, or our checkout's own. */
function nodeModulesOf(packageRoot: string): string {
  let dir = dirname(packageRoot.replace(/\/$/, ''));
  if (basename(dir).startsWith('@')) dir = dirname(dir);
  return basename(dir) === 'node_modules' ? dir : join(packageRoot, 'node_modules');
}
