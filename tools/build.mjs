#!/usr/bin/env node
// Builds dist/ with tsc, unless dist/ was already built from exactly these sources: the stamp
// dist/.build-hash is a SHA-256 over every file under src/, the tsconfig files, the lock and this
// script (content, not mtimes). `npm ci` builds once (prepare); `npm test`'s global setup then
// finds the stamp current and does not build again. `--force` always builds.
//
// Then the CLI and the script worker are bundled with esbuild into dist/bundle/, as CommonJS:
// bin/procblock.js runs dist/bundle/launch.cjs, which loads dist/bundle/cli.cjs (every module of
// the CLI, yaml and piscina in one file) through V8's code cache (src/core/code-cache.ts); the
// bundled piscina starts dist/bundle/worker.cjs (its worker code and ours), which loads
// dist/bundle/sucrase.cjs on a transform-cache miss. One file instead of ~80 small modules saves
// most of Node's per-module loading cost, and the code cache most of the parsing and compiling
// (docs: ARCHITECTURE.md, Start-up). dist/bundle/ sits at the same depth as every dist/<folder>/,
// so paths built from import.meta.url (`../../package.json`, `../index.js`) mean the same from a
// bundle as from the module itself. The library (dist/index.js) and dist/cli/rrd-main.js stay
// unbundled.
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
  rmSync(outdir, { recursive: true, force: true }); // nothing left from earlier builds
  const deps = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies);
  // CommonJS bundles: loaded without Node's ES-module loader, and through V8's code cache where
  // src/core/code-cache.ts loads them (keyed on their content). `import.meta.url` becomes the bundle's own URL, so paths built from it
  // (`../../package.json`, `./worker.cjs`) hold: dist/bundle/ sits at the depth of dist/<folder>/.
  const cjs = {
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    absWorkingDir: root,
    outdir,
    outExtension: { '.js': '.cjs' },
    define: { 'import.meta.url': '__pbUrl' },
    banner: { js: `"use strict";\nvar __pbUrl = require("node:url").pathToFileURL(__filename).href;` },
  };
  const layout = bundledLayout();
  // The CLI, main thread: every module of ours, yaml and piscina (CommonJS packages) in one file;
  // what a run does not need is only initialised when first imported. piscina starts
  // dist/bundle/worker.cjs in each worker thread (pointed there below).
  await esbuild.build({
    ...cjs,
    entryPoints: { cli: 'dist/cli/main.js' },
    external: [...deps.filter((d) => d !== 'yaml' && d !== 'piscina'), '@napi-rs/nice'],
    plugins: [layout, piscinaWorkerFile('worker.cjs')],
  });
  await esbuild.build({ ...cjs, entryPoints: { launch: 'dist/cli/launch.js' }, packages: 'external' });
  // A script worker thread: piscina's worker code (the other end of the bundled piscina) and ours,
  // exporting our task handler, which piscina's code then require()s from this same file.
  const piscinaWorker = join(root, 'node_modules', 'piscina', 'dist', 'worker.js');
  await esbuild.build({
    ...cjs,
    stdin: {
      contents: `require(${JSON.stringify(piscinaWorker)});\nmodule.exports = require('./dist/exec/worker.js');\n`,
      resolveDir: root,
      sourcefile: 'script-worker-entry.cjs',
    },
    outdir: undefined,
    outfile: join(outdir, 'worker.cjs'),
    external: [...deps.filter((d) => d !== 'piscina'), '@napi-rs/nice'],
    plugins: [layout],
  });
  // sucrase, loaded by workers on a transform-cache miss (code-layout-bundled.ts).
  await esbuild.build({
    ...cjs,
    stdin: { contents: "export { transform } from 'sucrase';\n", resolveDir: root, sourcefile: 'sucrase-entry.mjs' },
    outdir: undefined,
    outfile: join(outdir, 'sucrase.cjs'),
  });
  // ES modules, standalone: the TypeScript loader hooks (module.register wants a module URL) and
  // the `--check` worker.
  await esbuild.build({
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    absWorkingDir: root,
    outdir,
    entryPoints: { 'ts-hooks': 'dist/exec/ts-hooks.js', 'check-worker': 'dist/exec/check-worker.js' },
    packages: 'external',
  });
  for (const f of readdirSync(outdir)) if (f.endsWith('.cjs')) asciiOnly(join(outdir, f));
  // Files a bundled module reads beside itself must be beside the bundle too.
  for (const [from, to] of BUNDLE_ASSETS) {
    mkdirSync(join(outdir, to), { recursive: true });
    for (const f of readdirSync(join(root, from))) copyFileSync(join(root, from, f), join(outdir, to, f));
  }
  checkBundleReferences(outdir);
}

/**
 * A CommonJS bundle in ASCII only: code-cache.ts then decodes it as Latin-1 into a one-byte
 * string (half the memory of a two-byte one, for V8's parser and its source hash). esbuild
 * escapes non-ASCII characters in code and leaves them in comments only; \uXXXX means the same
 * in a string, a regular expression or a comment.
 */
function asciiOnly(file) {
  const code = readFileSync(file, 'utf8');
  const ascii = code.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (ascii !== code) writeFileSync(file, ascii);
}

/** An esbuild plugin: dist/exec/code-layout.js is replaced by its bundle variant (see both sources). */
function bundledLayout() {
  const library = join(root, 'dist', 'exec', 'code-layout.js');
  const bundled = join(root, 'dist', 'exec', 'code-layout-bundled.js');
  return {
    name: 'bundled-layout',
    setup(b) {
      b.onLoad({ filter: /[\\/]dist[\\/]exec[\\/]code-layout\.js$/ }, (args) =>
        args.path === library ? { contents: readFileSync(bundled, 'utf8'), resolveDir: dirname(bundled), loader: 'js' } : undefined,
      );
    },
  };
}

/**
 * An esbuild plugin: the bundled piscina starts `name` (beside the bundle) in its worker threads
 * instead of its own dist/worker.js. Fails the build when piscina's code no longer reads as
 * expected (a new piscina version: check its worker protocol is still what worker.cjs bundles).
 */
function piscinaWorkerFile(name) {
  const expected = "(0, node_path_1.resolve)(__dirname, 'worker.js')";
  return {
    name: 'piscina-worker-file',
    setup(b) {
      b.onLoad({ filter: /[\\/]node_modules[\\/]piscina[\\/]dist[\\/]index\.js$/ }, (args) => {
        const code = readFileSync(args.path, 'utf8');
        if (code.split(expected).length !== 2) throw new Error(`build: piscina's ${args.path} no longer names its worker file as ${expected}`);
        return { contents: code.replace(expected, `(0, node_path_1.resolve)(__dirname, ${JSON.stringify(name)})`), loader: 'js' };
      });
    },
  };
}

/**
 * Every file a bundled module finds through `new URL('./x', import.meta.url)` (worker entries,
 * loader hooks, Lua scripts; `__pbUrl` in the CommonJS bundles) must exist beside the bundle: a
 * new one fails the build here, naming it, instead of failing at run time (add it to the entry
 * points or BUNDLE_ASSETS above). The CLI bundle, loaded through node:vm, keeps no `import()`.
 */
function checkBundleReferences(outdir) {
  const missing = [];
  const base = String.raw`\s*,\s*(?:import\.meta\.url|__pbUrl)\s*\)`;
  for (const f of readdirSync(outdir)) {
    if (!/\.c?js$/.test(f)) continue;
    const code = readFileSync(join(outdir, f), 'utf8');
    for (const m of code.matchAll(new RegExp(String.raw`new URL\(\s*["'\`](\.\/[^"'\`$]+)["'\`]` + base, 'g'))) {
      if (!existsSync(join(outdir, m[1]))) missing.push(`${f}: ${m[1]}`);
    }
    for (const m of code.matchAll(/new URL\(\s*`(\.\/[^`$]+\/)\$\{/g)) {
      if (!existsSync(join(outdir, m[1]))) missing.push(`${f}: ${m[1]}`);
    }
    if (f === 'cli.cjs' && /[^\w$.]import\(/.test(code)) missing.push(`${f}: an import() (the bundle is run through node:vm; import statically or from a lazily imported module)`);
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
