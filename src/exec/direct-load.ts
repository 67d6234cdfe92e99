/**
 * Whether transformed TypeScript can be imported straight from its cache file, without the
 * loader hooks. Registering hooks starts a loader thread inside the worker (~30-40 ms measured
 * on Node 20), the largest part of a cold start; the common block script imports only types
 * (erased) and `node:` built-ins, which resolve the same from any location.
 *
 * Conservative on purpose: any `import`/`from` this check cannot account for (relative or bare
 * specifiers, `import()`, `import.meta`, `require`, the word in a string or comment) sends the
 * script through the hooks, which handle everything.
 */
const DYNAMIC = /\bimport\s*\(|\bimport\s*\.\s*meta\b|\brequire\s*\(/;
const SPECIFIER = /\b(?:from|import)\s*(['"])([^'"\n]*)\1/g;
const IMPORT_WORD = /\bimport\b/g;
const BUILTIN_IMPORT = /^[ \t]*import\s+(?:[\w$]+\s*,?\s*)?(?:\*\s*as\s+[\w$]+|\{[^}]*\})?\s*(?:from\s*)?(['"])node:[^'"\n]+\1/gm;

export function canImportDirectly(code: string): boolean {
  if (DYNAMIC.test(code)) return false;
  for (const m of code.matchAll(SPECIFIER)) if (!(m[2] ?? '').startsWith('node:')) return false;
  const words = code.match(IMPORT_WORD)?.length ?? 0;
  const builtins = code.match(BUILTIN_IMPORT)?.length ?? 0;
  return words === builtins;
}
