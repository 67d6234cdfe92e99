#!/usr/bin/env node
// Builds dist/ with tsc, unless dist/ was already built from exactly these sources: the stamp
// dist/.build-hash is a SHA-256 over every file under src/, the tsconfig files, the lock and this
// script (content, not mtimes). `npm ci` builds once (prepare); `npm test`'s global setup then
// finds the stamp current and does not build again. `--force` always builds.
//
// Then the two entry points whose start-up time matters are bundled with esbuild into
// dist/bundle/: the CLI (bin/procblock.js runs dist/bundle/cli.js; lazily imported parts become
// chunks, and the `yaml` package is bundled into the loader's chunk) and the script worker with
// its TypeScript hooks (dist/bundle/worker.js, dist/bundle/ts-hooks.js, which the bundled script
// runner finds beside itself). One file instead of ~80 small modules saves most of Node's
// per-module loading cost (docs: ARCHITECTURE.md, Start-up). dist/bundle/ sits at the same depth
// as every dist/<folder>/, so paths built from import.meta.url (`../../package.json`,
// `../index.js`, `./worker.js`) mean the same from a bundle as from the module itself. The
// library (dist/index.js) and dist/cli/rrd-main.js stay unbundled.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const stampFile = join(root, 'dist', '.build-hash');

function sourceHash() {
  const hash = createHash('sha256');
  const files = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json', 'tools/build.mjs'].map((f) => join(root, f));
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(join(root, 'src'));
  for (const f of files) {
    hash.update(relative(root, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  return hash.digest('hex');
}

export async function build({ force = false, quiet = false } = {}) {
  const hash = sourceHash();
  if (!force && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === hash) {
    if (!quiet) console.error('build: dist/ is current');
    return false;
  }
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  copyAssets(join(root, 'src'));
  await bundle();
  writeFileSync(stampFile, hash);
  return true;
}

/**
 * Files tsc does not emit but the code reads beside itself: the Redis back end's Lua scripts, and
 * everything in an `assets/` folder (dropSTAR's client script, stylesheet and icon).
 */
const ASSET = /\.lua$/;

function copyAssets(dir, inAssets = false) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) copyAssets(p, inAssets || entry.name === 'assets');
    else if (inAssets || ASSET.test(entry.name)) {
      const to = join(root, 'dist', relative(join(root, 'src'), p));
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(p, to);
    }
  }
}

async function bundle() {
  const esbuild = await import('esbuild');
  const outdir = join(root, 'dist', 'bundle');
  rmSync(outdir, { recursive: true, force: true }); // no chunks left from earlier builds
  const common = { bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning', absWorkingDir: root, outdir };
  await esbuild.build({
    ...common,
    entryPoints: { cli: 'dist/cli/main.js' },
    splitting: true,
    chunkNames: 'chunk-[hash]',
    // Every package stays external except yaml (CommonJS, ~70 files: bundled it loads ~3x faster
    // on a cache miss); its require() of Node built-ins needs a real require in ESM output.
    external: Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies).filter((d) => d !== 'yaml'),
    banner: { js: "import { createRequire as __pbCreateRequire } from 'node:module'; const require = __pbCreateRequire(import.meta.url);" },
    plugins: [requireCommonJs(['piscina'])],
  });
  // Standalone files (no shared chunks): each loads as one module in its thread.
  await esbuild.build({ ...common, entryPoints: { 'ts-hooks': 'dist/exec/ts-hooks.js', 'check-worker': 'dist/exec/check-worker.js' }, packages: 'external' });
  // piscina loads a worker file with require() first, which Node 20 turns into require(esm) for
  // an ES module; a worker terminated during that (a runner closed while its first worker boots:
  // `block.yaml --help`, a daemon's parent, Ctrl-C before the runtime exists) once aborted the
  // whole process with a native assertion (CreateRequiredModuleFacade). A top-level await makes
  // require() refuse the file before evaluating it (ERR_REQUIRE_ASYNC_MODULE), so piscina takes
  // its import() path instead.
  await esbuild.build({ ...common, entryPoints: { worker: 'dist/exec/worker.js' }, packages: 'external', footer: { js: 'await undefined; // load through import(), see tools/build.mjs' } });
  // Files a bundled module reads beside itself must be beside the bundle too.
  for (const [from, to] of BUNDLE_ASSETS) {
    mkdirSync(join(outdir, to), { recursive: true });
    for (const f of readdirSync(join(root, from))) copyFileSync(join(root, from, f), join(outdir, to, f));
  }
  checkBundleReferences(outdir);
}

/**
 * An esbuild plugin: these CommonJS packages are loaded with require() (the banner's), not through
 * Node's ES-module wrapper for CommonJS, which parses the package for its export names first:
 * piscina, on the path to the first worker, loads in ~18 ms instead of ~28 ms.
 */
function requireCommonJs(packages) {
  const filter = new RegExp(`^(${packages.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
  return {
    name: 'require-commonjs',
    setup(b) {
      // From our modules: the stand-in below; from the stand-in itself: the real, external package.
      b.onResolve({ filter }, (args) => (args.namespace === 'require-commonjs' ? { path: args.path, external: true } : { path: args.path, namespace: 'require-commonjs' }));
      b.onLoad({ filter: /.*/, namespace: 'require-commonjs' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
    },
  };
}

/**
 * Every file a bundled module finds through `new URL('./x', import.meta.url)` (worker entries,
 * loader hooks, Lua scripts) must exist beside the bundle: a new one fails the build here, naming
 * it, instead of failing at run time (add it to the entry points or BUNDLE_ASSETS above).
 */
function checkBundleReferences(outdir) {
  const missing = [];
  for (const f of readdirSync(outdir)) {
    if (!f.endsWith('.js')) continue;
    const code = readFileSync(join(outdir, f), 'utf8');
    for (const m of code.matchAll(/new URL\(\s*["'`](\.\/[^"'`$]+)["'`]\s*,\s*import\.meta\.url\s*\)/g)) {
      if (!existsSync(join(outdir, m[1]))) missing.push(`${f}: ${m[1]}`);
    }
    for (const m of code.matchAll(/new URL\(\s*`(\.\/[^`$]+\/)\$\{/g)) {
      if (!existsSync(join(outdir, m[1]))) missing.push(`${f}: ${m[1]}`);
    }
  }
  if (missing.length > 0) throw new Error(`build: dist/bundle/ lacks files its code reads beside itself:\n  ${missing.join('\n  ')}`);
}

/**
 * [source folder, folder under dist/bundle/]: src/unidist/redis/lua-script.ts reads
 * `./lua/<name>.lua`, src/web/assets.ts reads `./assets/<name>`.
 */
const BUNDLE_ASSETS = [
  ['src/unidist/redis/lua', 'lua'],
  ['src/web/assets', 'assets'],
];

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await build({ force: process.argv.includes('--force') });
}
