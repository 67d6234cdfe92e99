/**
 * V8 code caches of procblock's own bundles (src/core/code-cache.ts): keyed on the bundle's
 * content, so an edited bundle never runs code compiled from the earlier one; a cache folder that
 * cannot be written, or an entry V8 refuses, only costs the cache; entries are pruned per bundle.
 * Real files, real V8 code caches; each load in its own Node process (as each CLI run), which
 * loads the bundle, calls it, and writes the cache as the CLI does at exit.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { KEEP_PER_BUNDLE } from '../../dist/core/code-cache.js';

const codeCache = pathToFileURL(join(__dirname, '../../dist/core/code-cache.js')).href;

const root = mkdtempSync(join(tmpdir(), 'pb-codecache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let seq = 0;

/** A bundle folder and a cache folder; `write(v)` makes the bundle export `v` (same length for every one-digit `v`). */
function setup(): { file: string; cache: string; write: (v: number) => void } {
  const base = join(root, `case-${++seq}`);
  mkdirSync(base, { recursive: true });
  const file = join(base, 'demo.cjs');
  const write = (v: number): void =>
    writeFileSync(file, `"use strict";\nfunction value() { return ${v}; }\nexports.value = value;\nexports.dir = __dirname;\nexports.req = typeof require('node:path').join;\n`);
  return { file, cache: join(base, 'cache'), write };
}

type Demo = { value: number; dir: string; req: string };
const CHILD = `
const { entryName, requireBundle, saveCodeCaches } = await import(process.argv[1]);
if (process.argv[4] === 'name') {
  console.log(JSON.stringify(entryName(process.argv[2], (await import('node:fs')).readFileSync(process.argv[2]))));
  process.exit(0);
}
const r = requireBundle(process.argv[2], { cacheDirs: JSON.parse(process.argv[3]) });
const m = r.exports;
console.log(JSON.stringify({ cache: r.cache, demo: { value: m.value(), dir: m.dir, req: m.req } }));
saveCodeCaches();
`;
const child = (file: string, cacheDirs: string[], mode = ''): unknown =>
  JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', CHILD, codeCache, file, JSON.stringify(cacheDirs), mode], { encoding: 'utf8' }));
const load = (file: string, cacheDirs: string[]): { demo: Demo; cache: string } => child(file, cacheDirs) as { demo: Demo; cache: string };
/** The entry name a child process uses for `file` as it is now. */
const nameInChild = (file: string): string => child(file, [], 'name') as string;
const entries = (dir: string): string[] => readdirSync(dir).filter((n) => n.endsWith('.v8'));

describe('code cache of a bundle', () => {
  it('a miss writes one entry, the next load uses it, and the module behaves as under require()', () => {
    const { file, cache, write } = setup();
    write(1);
    const first = load(file, [cache]);
    expect(first.cache).toBe('miss');
    expect(first.demo.value).toBe(1);
    expect(first.demo.dir).toBe(join(file, '..'));
    expect(first.demo.req).toBe('function');
    expect(entries(cache)).toHaveLength(1);
    const second = load(file, [cache]);
    expect(second.cache).toBe('hit');
    expect(second.demo.value).toBe(1);
  });

  it('an edit of the same length is a miss and runs the new code, never the cached one', () => {
    const { file, cache, write } = setup();
    write(1);
    load(file, [cache]);
    write(2); // same length, same path
    const edited = load(file, [cache]);
    expect(edited.demo.value).toBe(2);
    expect(edited.cache).toBe('miss');
    expect(entries(cache)).toHaveLength(2);
    write(1); // back to the first content: its entry is still good
    const back = load(file, [cache]);
    expect(back.cache).toBe('hit');
    expect(back.demo.value).toBe(1);
  });

  it('an entry V8 refuses is a rejected load of the right code, written again', () => {
    const { file, cache, write } = setup();
    write(3);
    mkdirSync(cache, { recursive: true });
    const name = nameInChild(file);
    writeFileSync(join(cache, name), 'not a code cache at all');
    const r = load(file, [cache]);
    expect(r.cache).toBe('rejected');
    expect(r.demo.value).toBe(3);
    expect(readFileSync(join(cache, name)).length).toBeGreaterThan(100);
    expect(load(file, [cache]).cache).toBe('hit');
  });

  it('a cache folder that cannot be created costs the cache only; the next folder is used', () => {
    const { file, cache, write } = setup();
    write(4);
    writeFileSync(cache, 'a file where the cache folder would be');
    const blocked = join(cache, 'v8');
    const r = load(file, [blocked]);
    expect(r.cache).toBe('miss');
    expect(r.demo.value).toBe(4);
    const other = `${cache}-2`;
    load(file, [blocked, other]);
    expect(entries(other)).toHaveLength(1);
    expect(load(file, [blocked, other]).cache).toBe('hit');
  });

  it('no folder: compiled as require() would, nothing written', () => {
    const { file, write } = setup();
    write(5);
    const r = load(file, []);
    expect(r.cache).toBe('off');
    expect(r.demo.value).toBe(5);
  });

  it(`keeps at most ${KEEP_PER_BUNDLE} entries per bundle, and leaves other files alone`, () => {
    const { file, cache, write } = setup();
    mkdirSync(cache, { recursive: true });
    writeFileSync(join(cache, 'other.cjs-00000000000000000000000000000000-0000000000000000.v8'), '');
    for (let v = 1; v <= KEEP_PER_BUNDLE + 1; v++) {
      write(v);
      load(file, [cache]);
      }
    const mine = entries(cache).filter((n) => n.startsWith('demo.cjs-'));
    expect(mine).toHaveLength(KEEP_PER_BUNDLE);
    expect(entries(cache)).toContain('other.cjs-00000000000000000000000000000000-0000000000000000.v8');
    expect(load(file, [cache]).cache).toBe('hit'); // the newest (the last content) is kept
  });
});
