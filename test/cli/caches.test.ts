/**
 * The CLI's caches (src/core/cache-dirs.ts, code-cache.ts): `PROCBLOCK_CACHE_DIR` holds all of
 * them — V8 code caches of the CLI bundle and of the TypeScript transformer, transformed scripts,
 * loaded blocks; a second run reuses them without writing them again; a cache folder that cannot
 * be created costs the caches only, never the run.
 */
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir('procblock-caches-');
afterAll(() => tmp.cleanup());

const block = path.join(tmp.dir, 'block.yaml');
writeFileSync(block, 'run:\n  - script: add.ts\n');
writeFileSync(path.join(tmp.dir, 'add.ts'), 'export const processBlock = async (): Promise<object> => { const a: number = 2; return { sum: a + 3 }; };\n');

/** Every file under `dir` with its mtime. */
function files(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.set(path.relative(dir, path.join(e.parentPath, e.name)), statSync(path.join(e.parentPath, e.name)).mtimeMs);
  }
  return out;
}

const run = (cacheDir: string, n: number) =>
  runCli(['--quiet', '--state-dir', path.join(tmp.dir, `state-${n}`), block], { env: { PROCBLOCK_CACHE_DIR: cacheDir } });
const expectSum = (r: { code: number | null; stdout: string }): void => {
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ run: { sum: 5 } });
};

describe('CLI caches', () => {
  it('a first run fills PROCBLOCK_CACHE_DIR; the next run uses it and rewrites nothing', async () => {
    const cacheDir = path.join(tmp.dir, 'cache');
    expectSum(await run(cacheDir, 1));
    const first = files(cacheDir);
    const names = [...first.keys()];
    expect(names.filter((n) => /^v8\/cli\.cjs-[0-9a-f]{32}-[0-9a-f]{16}\.v8$/.test(n))).toHaveLength(1);
    expect(names.filter((n) => /^v8\/sucrase\.cjs-.*\.v8$/.test(n))).toHaveLength(1);
    expect(names.filter((n) => /^ts\/.*\.mjs$/.test(n))).toHaveLength(1);
    expect(names.filter((n) => /^blocks\/.*\.json$/.test(n))).toHaveLength(1);
    expectSum(await run(cacheDir, 2));
    const second = files(cacheDir);
    for (const n of names.filter((x) => x.startsWith('v8/') || x.startsWith('blocks/'))) expect(second.get(n)).toBe(first.get(n));
    expect([...second.keys()].filter((n) => n.endsWith('.v8'))).toHaveLength(2);
  });

  it('a cache folder that cannot be created: the run gives its result, exit 0, nothing on stderr', async () => {
    const blocker = path.join(tmp.dir, 'not-a-folder');
    writeFileSync(blocker, '');
    const r = await run(path.join(blocker, 'cache'), 3);
    expectSum(r);
    expect(r.stderr).toBe('');
  });
});
