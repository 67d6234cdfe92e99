/**
 * Resolved once per runner: what the TypeScript loader hooks in each worker need.
 * Cache directory: `procblockCacheDirs('ts')` (src/core/cache-dirs.ts), first writable wins;
 * `cacheDir: false` disables the disk cache.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { procblockCacheDirs } from '../core/cache-dirs.js';
import type { TsHooksData } from './ts-hooks.js';

/** Bump when our transform options change, so old cache entries are not reused. */
const TRANSFORM_REVISION = 1;

let sucraseVersion: string | undefined;

export function tsHooksData(cacheDir: string | false | undefined): TsHooksData {
  const resolveFrom = new URL('../../package.json', import.meta.url).href;
  sucraseVersion ??= readSucraseVersion(resolveFrom);
  let cacheDirs: string[];
  if (cacheDir === false) cacheDirs = [];
  else if (cacheDir !== undefined) cacheDirs = [cacheDir];
  else cacheDirs = procblockCacheDirs('ts');
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
