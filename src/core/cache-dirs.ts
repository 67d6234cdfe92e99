/**
 * Where procblock caches derived files (transformed TypeScript, loaded blocks, V8 code caches of
 * its own bundles), first writable wins: `node_modules/.cache/procblock/<sub>` in the
 * node_modules that holds our package (or our own checkout's node_modules; the babel/eslint
 * convention), then `$XDG_CACHE_HOME/procblock/<sub>` or `~/.cache/procblock/<sub>`.
 *
 * `PROCBLOCK_CACHE_DIR=<dir>` replaces both with `<dir>/<sub>` (a read-only install, a CI job
 * that wants its own caches, a start-up measurement with none); when it is not writable,
 * procblock runs uncached.
 */
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CACHE_DIR_ENV = 'PROCBLOCK_CACHE_DIR';

export function procblockCacheDirs(sub: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const own = env[CACHE_DIR_ENV];
  if (own !== undefined && own !== '') return [join(resolve(own), sub)];
  const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
  const xdg = env.XDG_CACHE_HOME;
  return [
    join(nodeModulesOf(packageRoot), '.cache', 'procblock', sub),
    join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'procblock', sub),
  ];
}

/** The node_modules folder our package is installed in, or our checkout's own. */
function nodeModulesOf(packageRoot: string): string {
  let dir = dirname(packageRoot.replace(/\/$/, ''));
  if (basename(dir).startsWith('@')) dir = dirname(dir);
  return basename(dir) === 'node_modules' ? dir : join(packageRoot, 'node_modules');
}
