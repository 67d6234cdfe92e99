/**
 * What a plan of a loaded block holds (block-plan.ts, script-graph.ts): the files to watch
 * (YAML, imports, scripts, their local imports transitively, templates), the code key of each
 * script (its imports included), and RunThreads by written id — on real files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBlock } from '../../src/config/load-block.js';
import { planBlock } from '../../src/reload/block-plan.js';
import { diffBlocks } from '../../src/reload/diff.js';
import { ScriptGraphReader } from '../../src/reload/script-graph.js';
import { tempDir } from '../helpers/cli.js';

const tmp = tempDir('procblock-plan-');
afterAll(() => tmp.cleanup());

function write(rel: string, text: string): string {
  const file = path.join(tmp.dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

const plan = async (file: string) => planBlock(await loadBlock(file), new ScriptGraphReader());

describe('planBlock', () => {
  const block = write(
    'block.yaml',
    [
      '__import__lib: lib/part.yaml',
      '__tags: {"notify .*": {script: tags/notify.mjs}}',
      'page:',
      '  template: {path: page.txt}',
      'run:',
      '  - script: main.ts',
      '    cache: 5',
      '    timeseries collect: {path: main.rrd, interval: 5, fields: {x: {type: GAUGE}}}',
      '  - script: once.mjs',
      'if mode == "b":',
      '  run:',
      '    - {script: main.ts, cache: 10}',
      '',
    ].join('\n'),
  );
  write('lib/part.yaml', 'run:\n  - {script: ../lib/collector.ts, cache: 1, thread_id: collector}\n');
  write('lib/collector.ts', "import { parse } from './parse.js';\nexport const processBlock = async () => parse('x');\n");
  write('lib/parse.ts', "import { unit } from '../shared/unit.ts';\nexport const parse = (s: string) => ({ s, unit });\n");
  write('shared/unit.ts', "import { readFileSync } from 'node:fs';\nimport type { ProcessBlock } from 'procblock';\nexport const unit = 'ms';\n");
  const mainTs = write('main.ts', "import { helper } from './helpers/index';\nexport const processBlock = async () => ({ x: helper });\n");
  write('helpers/index.ts', 'export const helper = 1;\n');
  write('once.mjs', "const lazy = () => import('./not-yet.mjs');\nexport const processBlock = async () => ({});\n");
  write('tags/notify.mjs', 'export const processBlock = async () => ({});\n');
  write('page.txt', 'Hello %(name)s\n');

  it('watches the YAML, its imports, every script and its local imports (transitively), templates, and files named but missing', async () => {
    const p = await plan(block);
    const rel = p.watch.map((f) => path.relative(tmp.dir, f));
    expect(rel).toEqual(
      [
        'block.yaml',
        'lib/part.yaml',
        'main.ts',
        'helpers/index', // an extensionless import: the exact name is tried first (missing)…
        'helpers/index.ts', // …then its .ts, which loads
        'once.mjs',
        'not-yet.mjs', // a dynamic import of a file not written yet (and the .mts it may be)
        'not-yet.mts',
        'tags/notify.mjs',
        'lib/collector.ts',
        'lib/parse.js', // tried first by the loader; missing, so watched too…
        'lib/parse.ts', // …and followed
        'shared/unit.ts',
        'page.txt',
      ].sort(),
    );
  });

  it('lists RunThreads by written id, one id declared in two branches under one entry', async () => {
    const p = await plan(block);
    expect([...p.threads.keys()].sort()).toEqual(['collector', 'main']);
    expect(p.threads.get('main')).toHaveLength(2);
    expect(p.threads.get('main')?.[0]).toMatchObject({ script: mainTs, rrd: { path: 'main.rrd' }, location: { keyPath: 'run[0]' } });
  });

  it("a change to a script's helper, three imports deep, changes that script's key and no other", async () => {
    const before = await plan(block);
    write('shared/unit.ts', "import { readFileSync } from 'node:fs';\nexport const unit = 's';\n");
    const after = await plan(block);
    const d = diffBlocks(before, after);
    expect(d.changedScripts.map((s) => path.relative(tmp.dir, s))).toEqual(['lib/collector.ts']);
    expect(d.changed).toEqual([{ id: 'collector', reasons: ['script'] }]);
    expect(d.kept).toEqual(['main']);
  });

  it('a template edit is a change (the block is processed again); a comment in the YAML is not', async () => {
    const before = await plan(block);
    write('block.yaml', `${(await import('node:fs')).readFileSync(block, 'utf8')}# a comment\n`);
    expect(diffBlocks(before, await plan(block)).unchanged).toBe(true);
    write('page.txt', 'Goodbye %(name)s\n');
    expect(diffBlocks(before, await plan(block)).unchanged).toBe(false);
  });
});
