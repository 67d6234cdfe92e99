/** The loaded-block cache: a hit is the same block; any change to what it was made from is a miss. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkBlock } from '../../src/config/index.js';
import { checkBlockCached } from '../../src/config/loaded-block-cache.js';
import type { LoadedBlock } from '../../src/config/types.js';
import { ProcblockError } from '../../src/core/errors.js';

let dir: string;
let cacheDir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pb-block-cache-'));
  cacheDir = path.join(dir, 'cache');
  writeFileSync(path.join(dir, 'main.yaml'), [
    '__usage:',
    '  name: Cached',
    '  options:',
    '    level: {letter: l, type: value, default: 3}',
    '__tags:',
    '  "notify .*": {script: notify.mjs, priority: 700}',
    '__import__more: more.yaml',
    'if level > 2:',
    '  big: true',
    'run:',
    '  - script: work.mjs',
    '    timeout: 5',
    '',
  ].join('\n'));
  writeFileSync(path.join(dir, 'more.yaml'), 'nested:\n  run:\n    - script: work.mjs\n  value: 12\n');
  writeFileSync(path.join(dir, 'work.mjs'), 'export const processBlock = () => ({});\n');
  writeFileSync(path.join(dir, 'notify.mjs'), 'export const processBlock = () => ({});\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const main = (): string => path.join(dir, 'main.yaml');
const entries = (): string[] => readdirSync(cacheDir).filter((f) => f.endsWith('.json'));

function comparable(b: LoadedBlock): unknown {
  const paths: (string | number)[][] = [[], ['run'], ['run', 0], ['run', 0, 'script'], ['if level > 2'], ['more'], ['more', 'nested', 'run', 0], ['more', 'nested', 'value'], ['no', 'such', 'key']];
  return {
    file: b.file,
    dir: b.dir,
    data: b.data,
    usage: b.usage,
    tags: b.tags.map((t) => ({ ...t, regex: String(t.regex) })),
    files: b.files,
    located: paths.map((p) => b.locate(p)),
  };
}

describe('loaded-block cache', () => {
  it('a hit returns the same block as the loader, frozen', async () => {
    const real = await checkBlock(main());
    const first = await checkBlockCached(main(), { cacheDir }); // miss: writes the entry
    expect(entries()).toHaveLength(1);
    const hit = await checkBlockCached(main(), { cacheDir });
    expect(comparable(first)).toEqual(comparable(real));
    expect(comparable(hit)).toEqual(comparable(real));
    expect(hit.locate(['more', 'nested', 'value']).file).toBe(path.join(dir, 'more.yaml'));
    expect(Object.isFrozen(hit.data)).toBe(true);
    expect(hit.tags[0]?.regex.test('notify ops')).toBe(true);
  });

  it('an imported file edited in place (same size, same mtime) is a miss', async () => {
    await checkBlockCached(main(), { cacheDir });
    const more = path.join(dir, 'more.yaml');
    const { atime, mtime } = statSync(more);
    writeFileSync(more, 'nested:\n  run:\n    - script: work.mjs\n  value: 34\n'); // same length
    utimesSync(more, atime, mtime);
    const b = await checkBlockCached(main(), { cacheDir });
    expect((b.data.more as { nested: { value: number } }).nested.value).toBe(34);
  });

  it('a deleted script is a miss reported as the loader reports it', async () => {
    await checkBlockCached(main(), { cacheDir });
    rmSync(path.join(dir, 'work.mjs'));
    await expect(checkBlockCached(main(), { cacheDir })).rejects.toMatchObject({ code: 'PB_ERR_SCRIPT_NOT_FOUND' });
  });

  it('a block with problems is never cached', async () => {
    writeFileSync(main(), 'if x >> 1:\n  a: 1\n');
    for (let i = 0; i < 2; i++) {
      const err = await checkBlockCached(main(), { cacheDir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProcblockError);
      expect((err as ProcblockError).code).toBe('PB_ERR_CONDITION_SYNTAX');
    }
    expect(() => entries()).toThrow(); // the folder was never even created
  });

  it('a corrupt entry is a miss, and is replaced', async () => {
    await checkBlockCached(main(), { cacheDir });
    const entry = path.join(cacheDir, entries()[0] as string);
    writeFileSync(entry, '{"format": 1, "trunc');
    const b = await checkBlockCached(main(), { cacheDir });
    expect(b.usage?.name).toBe('Cached');
    expect(() => JSON.parse(String(execFileSync('cat', [entry])))).not.toThrow();
  });

  it('a hit does not load the YAML parser; a miss does', () => {
    // A separate process on the built code, so the module registry starts empty.
    const dist = path.resolve('dist/config/loaded-block-cache.js');
    const probe = (): boolean => {
      const out = execFileSync(process.execPath, [
        '--input-type=module',
        '-e',
        `import { createRequire } from 'node:module';
         const { checkBlockCached } = await import(${JSON.stringify(dist)});
         await checkBlockCached(${JSON.stringify(main())}, { cacheDir: ${JSON.stringify(cacheDir)} });
         const cache = createRequire(import.meta.url).cache;
         console.log(Object.keys(cache).some((k) => k.includes('/node_modules/yaml/')));`,
      ]);
      return String(out).trim() === 'true';
    };
    expect(probe()).toBe(true); // miss: the loader parsed the YAML
    expect(probe()).toBe(false); // hit
  });
});
