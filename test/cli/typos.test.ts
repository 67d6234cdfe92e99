/**
 * Issue 7 point 1 through the real CLI: misspelled tags are caught by --check and refused by a
 * run (exit 2) unless the key is quoted; two sibling `else:` keys get a message naming `else`.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir('procblock-typos-');
afterAll(() => tmp.cleanup());
let n = 0;
function block(text: string): string {
  const file = path.join(tmp.dir, `b${++n}.yaml`);
  writeFileSync(file, text);
  return file;
}

const TYPOS = `list ad x: 1
incremnt hits: 2
run simultanous:
  a:
    - set: {y: 1}
require lok:
  name: l
`;

describe('misspelled tags', () => {
  it('--check reports every misspelled tag with the tag it was probably meant to be', async () => {
    const file = block(TYPOS);
    const r = await runCli(['--check', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error\[PB_ERR_MISSPELLED_TAG\]/);
    const problems = r.stderr.split('\n').filter((l) => l.startsWith('  - '));
    expect(problems).toHaveLength(4);
    const expected: [number, string, string][] = [
      [1, 'list ad x', 'list add x'],
      [2, 'incremnt hits', 'increment hits'],
      [3, 'run simultanous', 'run simultaneous'],
      [6, 'require lok', 'require lock'],
    ];
    expected.forEach(([line, key, fix], i) => {
      expect(problems[i]).toContain(`${file}:${line}:1 at ${key}:`);
      expect(problems[i]).toContain(`'${fix}'`);
    });
  });

  it('a run refuses a misspelled tag with exit 2 and runs nothing', async () => {
    const r = await runCli([block('incremnt hits: 2\nplain: 1\n')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/error\[PB_ERR_MISSPELLED_TAG\]: .*:1:1 at incremnt hits: .*'increment hits'/);
  });

  it('a quoted key is data: the documented escape', async () => {
    const file = block(`"incremnt hits": 2\n'list ad x': 3\n"templat": {text: t}\n`);
    expect(await runCli(['--check', file])).toMatchObject({ code: 0, stdout: 'ok\n' });
    const r = await runCli([file]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ 'incremnt hits': 2, 'list ad x': 3, templat: { text: 't' } });
  });

  it('a misspelled custom tag is caught too', async () => {
    writeFileSync(path.join(tmp.dir, 'notify.mjs'), 'export const processBlock = () => ({ sent: true });\n');
    const file = block(`__tags:\n  "notify .*": notify.mjs\nnotfy ops: hello\n`);
    const r = await runCli(['--check', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[PB_ERR_MISSPELLED_TAG\]: .*:3:1 at notfy ops: .*'notify ops' \(custom tag 'notify \.\*'\)/);
  });

  it('ordinary data keys near a keyword pass', async () => {
    const file = block(`id: 1\nsettings: {a: 1}\ntemplates: {x: 1}\nease: 2\nrunning: true\n`);
    expect(await runCli(['--check', file])).toMatchObject({ code: 0, stdout: 'ok\n' });
  });
});

describe('two else keys in one mapping', () => {
  it('names else and the fix instead of "Map keys must be unique"', async () => {
    const file = block(`if a > 1:\n  x: 1\nelse:\n  x: 2\nif b > 1:\n  y: 1\nelse:\n  y: 2\n`);
    for (const args of [['--check', file], [file]]) {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error\[PB_ERR_YAML_SYNTAX\]: /);
      expect(r.stderr).toContain(`${file}:7:1:`);
      expect(r.stderr).toContain("'else'");
      expect(r.stderr).toContain('line 3');
      expect(r.stderr).not.toContain('Map keys must be unique');
    }
  });

  it('the fix it gives (the fallback inside the if mapping) works', async () => {
    const file = block(`if a > 1:\n  x: 1\nelse:\n  x: 2\nif b > 1:\n  y: 1\n  else:\n    y: 2\n`);
    const r = await runCli([file, '--a', '5', '--b', '0']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ x: 1, y: 2 });
  });
});
