/**
 * The TypeScript transform cache on disk (src/exec/transform-cache.ts): keyed on content, and
 * bounded — at most KEEP_PER_SOURCE entries per source file, and a sweep (at most once per
 * SWEEP_EVERY_MS) that removes entries unused for UNUSED_MAX_MS, stale temp files and entries of
 * the older naming. Real files; ages are set with utimes.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KEEP_PER_SOURCE, SWEEP_EVERY_MS, TransformCache, UNUSED_MAX_MS } from '../../dist/exec/transform-cache.js';
import { tsHooksData } from '../../dist/exec/ts-hooks-data.js';

const root = mkdtempSync(join(tmpdir(), 'pb-tcache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let seq = 0;

function setup(): { cache: TransformCache; dir: string; src: string } {
  const base = join(root, `case-${++seq}`);
  const dir = join(base, 'cache');
  const src = join(base, 'src');
  mkdirSync(src, { recursive: true });
  return { cache: new TransformCache(tsHooksData(dir)), dir, src };
}

const entries = (dir: string): string[] => readdirSync(dir).filter((n) => n.endsWith('.mjs'));
const secondsAgo = (ms: number): number => (Date.now() - ms) / 1000;

describe('transform cache', () => {
  it('one entry per content; the code is that content; switching back is a hit', async () => {
    const { cache, dir, src } = setup();
    const file = join(src, 'a.ts');
    writeFileSync(file, 'export const v: number = 1;\n');
    const one = await cache.transformFile(file);
    expect(one.code).toContain('export const v = 1;');
    expect(one.file && readFileSync(one.file, 'utf8')).toBe(one.code);
    writeFileSync(file, 'export const v: number = 2;\n');
    const two = await cache.transformFile(file);
    expect(two.code).toContain('export const v = 2;');
    expect(two.file).not.toBe(one.file);
    writeFileSync(file, 'export const v: number = 1;\n');
    expect((await cache.transformFile(file)).file).toBe(one.file);
    expect(entries(dir)).toHaveLength(2);
  });

  it(`keeps at most ${KEEP_PER_SOURCE} entries per source file, the most recently used`, async () => {
    const { cache, dir, src } = setup();
    const a = join(src, 'a.ts');
    const b = join(src, 'b.ts');
    writeFileSync(b, 'export const other = 0;\n');
    const other = await cache.transformFile(b);
    const files: (string | undefined)[] = [];
    for (let v = 1; v <= 6; v++) {
      writeFileSync(a, `export const v: number = ${v};\n`);
      files.push((await cache.transformFile(a)).file);
    }
    const left = entries(dir).map((n) => join(dir, n));
    expect(left).toHaveLength(KEEP_PER_SOURCE + 1);
    expect(left).toContain(other.file);
    expect(left).toEqual(expect.arrayContaining(files.slice(-KEEP_PER_SOURCE)));
  });

  it('sweeps entries unused for too long, stale temp files and the older naming; not again until due', async () => {
    const { cache, dir, src } = setup();
    const fresh = join(src, 'fresh.ts');
    const stale = join(src, 'stale.ts');
    writeFileSync(fresh, 'export const fresh = 1;\n');
    writeFileSync(stale, 'export const stale = 1;\n');
    const freshEntry = (await cache.transformFile(fresh)).file as string;
    const staleEntry = (await cache.transformFile(stale)).file as string;
    const oldNaming = join(dir, '0123456789abcdef.mjs');
    const oldTmp = join(dir, `${'f'.repeat(16)}-${'0'.repeat(17)}.mjs.1.2.x.tmp`);
    writeFileSync(oldNaming, 'export {};\n');
    writeFileSync(oldTmp, 'partial');
    const longAgo = secondsAgo(UNUSED_MAX_MS + 3600_000);
    utimesSync(staleEntry, longAgo, longAgo);
    utimesSync(oldTmp, longAgo, longAgo);
    // The sweep ran when the first entry was written; make it due again.
    const marker = join(dir, '.swept');
    utimesSync(marker, secondsAgo(SWEEP_EVERY_MS + 1000), secondsAgo(SWEEP_EVERY_MS + 1000));

    writeFileSync(join(src, 'new.ts'), 'export const n = 1;\n');
    await cache.transformFile(join(src, 'new.ts')); // a miss: prunes and sweeps
    expect(existsSync(staleEntry)).toBe(false);
    expect(existsSync(oldTmp)).toBe(false);
    expect(existsSync(oldNaming)).toBe(false);
    expect(existsSync(freshEntry)).toBe(true);

    // Not due: a stale entry written now survives the next miss.
    const again = (await cache.transformFile(stale)).file as string;
    utimesSync(again, longAgo, longAgo);
    writeFileSync(join(src, 'new2.ts'), 'export const n = 2;\n');
    await cache.transformFile(join(src, 'new2.ts'));
    expect(existsSync(again)).toBe(true);
  });

  it('a hit marks the entry as used (its mtime), so the sweep keeps entries in use', async () => {
    const { cache, src } = setup();
    const file = join(src, 'used.ts');
    writeFileSync(file, 'export const used = 1;\n');
    const entry = (await cache.transformFile(file)).file as string;
    const longAgo = secondsAgo(UNUSED_MAX_MS + 3600_000);
    utimesSync(entry, longAgo, longAgo);
    await cache.transformFile(file);
    expect(Date.now() - statSync(entry).mtimeMs).toBeLessThan(UNUSED_MAX_MS);
  });

  it('works without a writable cache directory (uncached)', async () => {
    const { src } = setup();
    const blocker = join(root, `not-a-dir-${++seq}`);
    writeFileSync(blocker, '');
    const cache = new TransformCache(tsHooksData(join(blocker, 'cache')));
    const file = join(src, 'x.ts');
    writeFileSync(file, 'export const x: number = 5;\n');
    const out = await cache.transformFile(file);
    expect(out.file).toBeUndefined();
    expect(out.code).toContain('export const x = 5;');
  });
});
