/**
 * The module specifiers a script's source names (static `import`/`export … from`, side-effect
 * `import 'x'`, `import('x')` with a literal, `require('x')`), and which of them are local files.
 * Pure and deliberately loose: a specifier inside a comment or a string that merely looks like an
 * import is found too, which only means one more file is watched.
 */

const PATTERNS: readonly RegExp[] = [
  /\bfrom\s*(['"])([^'"\n]+)\1/g,
  /\bimport\s*(['"])([^'"\n]+)\1/g,
  /\bimport\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g,
  /\brequire\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g,
];

/** Every specifier named in `source`, in first-seen order, without duplicates. */
export function importSpecifiers(source: string): string[] {
  const found: { at: number; spec: string }[] = [];
  for (const re of PATTERNS) {
    for (const m of source.matchAll(re)) found.push({ at: m.index, spec: m[2] as string });
  }
  found.sort((a, b) => a.at - b.at);
  return [...new Set(found.map((f) => f.spec))];
}

/** Relative or absolute file specifiers (`./x`, `../x`, `/x`, `file:`): the script's own files. */
export function isLocalSpecifier(spec: string): boolean {
  return spec.startsWith('./') || spec.startsWith('../') || spec.startsWith('/') || spec.startsWith('file:');
}

/**
 * The files a local specifier may load, in the order the loader tries them (src/exec/ts-hooks.ts):
 * the path as written, then the TypeScript file a `.js`/`.mjs` or extensionless name stands for.
 */
export function candidateFiles(spec: string): string[] {
  const bare = spec.replace(/[?#].*$/, '');
  if (bare.endsWith('.js')) return [bare, `${bare.slice(0, -3)}.ts`];
  if (bare.endsWith('.mjs')) return [bare, `${bare.slice(0, -4)}.mts`];
  if (/\.[cm]?[jt]sx?$|\.json$/.test(bare)) return [bare];
  return [bare, `${bare}.ts`, `${bare}.mts`, `${bare.replace(/\/$/, '')}/index.ts`];
}
