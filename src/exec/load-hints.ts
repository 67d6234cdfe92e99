/**
 * What to tell a script author whose module loaded but cannot be called, or did not load
 * because of how Node decided to read it. Used by the worker (script-loader.ts) for runs and by
 * `procblock --check`, so both say the same thing.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The message for a module without a callable `processBlock`, with a hint when the likely cause is visible. */
export function noExportMessage(script: string, mod: Record<string, unknown>): string {
  const names = Object.keys(mod);
  const base = `script ${script} does not export a processBlock function (exports: ${names.join(', ') || 'none'})`;
  const nearMiss = names.find((n) => n !== 'processBlock' && n !== 'default' && n.replace(/_/g, '').toLowerCase() === 'processblock');
  if (nearMiss !== undefined && typeof mod[nearMiss] === 'function') {
    return `${base}: it exports '${nearMiss}'${nearMiss === 'ProcessBlock' ? " (the original procblock's name)" : ''}; rename it to processBlock (export const processBlock = …)`;
  }
  if (typeof mod.default === 'function') {
    return `${base}: its default export is a function; export it by name instead (export const processBlock = …, or export { fn as processBlock })`;
  }
  if (typeof mod.processBlock !== 'undefined') return `${base}: processBlock is a ${typeof mod.processBlock}, not a function`;
  return `${base}; a block script exports: export const processBlock = async (pipeData, block, requestState, inputData, ctx) => ({ … })`;
}

const ESM_SYNTAX = /Cannot use import statement outside a module|Unexpected token 'export'|await is only valid in async functions and the top level bodies of modules/;

/**
 * A `.js` file written as an ES module but read as CommonJS (its package.json says
 * `"type": "commonjs"`): the fix, or undefined when that is not the problem.
 */
export function commonJsPackageHint(script: string, errorMessage: string): string | undefined {
  if (path.extname(script) !== '.js' || !ESM_SYNTAX.test(errorMessage)) return undefined;
  const pkg = nearestPackageJson(path.dirname(script));
  const where = pkg === undefined ? 'no package.json makes it an ES module' : `${pkg} says "type": "commonjs"`;
  return `script ${script} uses ES module syntax (import/export) but Node reads it as CommonJS (${where}): rename it to ${path.basename(script, '.js')}.mjs, or set "type": "module" in that package.json`;
}

function nearestPackageJson(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    const candidate = path.join(d, 'package.json');
    if (existsSync(candidate)) {
      try {
        const type = (JSON.parse(readFileSync(candidate, 'utf8')) as { type?: unknown }).type;
        return type === 'module' ? undefined : candidate;
      } catch {
        return candidate;
      }
    }
    if (path.dirname(d) === d) return undefined;
  }
}
