/**
 * Resolved once per runner: what the TypeScript loader hooks in each worker need.
 * Cache directory, first writable wins: `<our package>/node_modules/.cache/procblock/ts`
 * (the convention of babel/eslint caches), then `$XDG_CACHE_HOME/procblock/ts` or
 * `~/.cache/procblock/ts`. `cacheDir: false` disables the disk cache.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
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
      join(packageRoot, 'node_modules', '.cache', 'procblock', 'ts'),
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
