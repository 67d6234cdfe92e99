#!/usr/bin/env node
// Builds dist/ with tsc, unless dist/ was already built from exactly these sources: the stamp
// dist/.build-hash is a SHA-256 over every file under src/ and the tsconfig files (content, not
// mtimes). `npm ci` builds once (prepare); `npm test`'s global setup then finds the stamp current
// and does not build again. `--force` always builds.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const stampFile = join(root, 'dist', '.build-hash');

function sourceHash() {
  const hash = createHash('sha256');
  const files = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((f) => join(root, f));
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

export function build({ force = false, quiet = false } = {}) {
  const hash = sourceHash();
  if (!force && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === hash) {
    if (!quiet) console.error('build: dist/ is current');
    return false;
  }
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  copyAssets(join(root, 'src'));
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

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  build({ force: process.argv.includes('--force') });
}
