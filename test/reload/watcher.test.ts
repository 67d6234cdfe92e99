/**
 * The block watcher on real files with real chokidar: which files count, which never do, and
 * following a changing set. A negative ("this write is not reported") is checked by writing it
 * first and then a watched file: the report that follows covers both or only the watched one.
 */
import { mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { BlockWatcher } from '../../src/reload/watcher.js';
import { tempDir } from '../helpers/cli.js';

const tmp = tempDir('procblock-watch-');
afterAll(() => tmp.cleanup());

let watcher: BlockWatcher | undefined;
afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
});

/** A watcher whose reports can be awaited one by one. */
async function watch(files: string[]): Promise<{ next(): Promise<readonly string[]> }> {
  const reports: (readonly string[])[] = [];
  const waiting: ((files: readonly string[]) => void)[] = [];
  watcher = await BlockWatcher.start(files, {
    clock: systemClock,
    debounceMs: 30,
    logger: silentLogger,
    onChange: (changed) => {
      const w = waiting.shift();
      if (w) w(changed);
      else reports.push(changed);
    },
  });
  return {
    next: () => {
      const r = reports.shift();
      return r ? Promise.resolve(r) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

let n = 0;
function folder(): string {
  const dir = path.join(tmp.dir, `w${++n}`);
  mkdirSync(path.join(dir, 'lib'), { recursive: true });
  writeFileSync(path.join(dir, 'block.yaml'), 'a: 1\n');
  writeFileSync(path.join(dir, 'lib', 'helper.ts'), 'export const h = 1;\n');
  return dir;
}

describe('BlockWatcher', () => {
  it('reports watched files in every folder and nothing else: data files, editor files and unrelated files beside them never count', async () => {
    const dir = folder();
    const yaml = path.join(dir, 'block.yaml');
    const helper = path.join(dir, 'lib', 'helper.ts');
    const w = await watch([yaml, helper]);
    for (const noise of ['data.rrd', 'graph.png', '.block.yaml.swp', 'block.yaml~', '4913', '.#block.yaml', 'notes.txt']) {
      writeFileSync(path.join(dir, noise), 'x');
    }
    unlinkSync(path.join(dir, '4913'));
    writeFileSync(helper, 'export const h = 2;\n');
    expect(await w.next()).toEqual([helper]);
    writeFileSync(yaml, 'a: 2\n');
    expect(await w.next()).toEqual([yaml]);
  });

  it('watches a named file that does not exist yet: creating it is a change', async () => {
    const dir = folder();
    const later = path.join(dir, 'later.ts');
    const w = await watch([path.join(dir, 'block.yaml'), later]);
    writeFileSync(later, 'export const processBlock = async () => ({});\n');
    expect(await w.next()).toEqual([later]);
  });

  it('follows a new set of files: a file in a watched folder, a new folder, and no longer the dropped ones', async () => {
    const dir = folder();
    const yaml = path.join(dir, 'block.yaml');
    const helper = path.join(dir, 'lib', 'helper.ts');
    const sibling = path.join(dir, 'other.ts');
    writeFileSync(sibling, '// 1\n');
    mkdirSync(path.join(dir, 'more'));
    const deeper = path.join(dir, 'more', 'x.ts');
    writeFileSync(deeper, '// 1\n');
    const w = await watch([yaml, helper]);
    watcher?.setFiles([yaml, sibling, deeper]);
    // setFiles adds to chokidar without waiting: make sure the additions are live by a change
    // to each of them, reported (the helper, dropped, is written first and must not be).
    writeFileSync(helper, 'export const h = 3;\n');
    writeFileSync(sibling, '// 2\n');
    const first = await w.next();
    expect(first).not.toContain(helper);
    const seen = new Set(first);
    while (!seen.has(sibling)) for (const f of await w.next()) seen.add(f);
    writeFileSync(deeper, '// 2\n');
    const more = new Set<string>();
    while (!more.has(deeper)) for (const f of await w.next()) more.add(f);
    expect([...seen, ...more].filter((f) => f === helper)).toEqual([]);
  });

  it('a save that renames over the file, or deletes and recreates it, is one report', async () => {
    const dir = folder();
    const yaml = path.join(dir, 'block.yaml');
    const helper = path.join(dir, 'lib', 'helper.ts');
    const w = await watch([yaml, helper]);
    writeFileSync(path.join(dir, '.block.yaml.tmp'), 'a: 3\n');
    renameSync(path.join(dir, '.block.yaml.tmp'), yaml);
    expect(await w.next()).toEqual([yaml]);
    unlinkSync(yaml);
    writeFileSync(yaml, 'a: 4\n');
    expect(await w.next()).toEqual([yaml]);
    // In place, right after the recreate (chokidar's own watch of the file is on the old inode).
    writeFileSync(yaml, 'a: 5\n');
    expect(await w.next()).toEqual([yaml]);
    // A write to another watched file: the next report is that one alone (no leftover report).
    writeFileSync(helper, 'export const h = 9;\n');
    expect(await w.next()).toEqual([helper]);
  });
});
