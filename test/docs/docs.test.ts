/**
 * Issue 7 point 7: the docs for script authors run as written (their `file=` code blocks are
 * written to a folder and run through the real CLI), and the README's documentation table lists
 * only files that exist.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, startCli, tempDir } from '../helpers/cli.js';
import { codeBlocks } from './markdown.js';

const tmp = tempDir('procblock-docs-');
afterAll(() => tmp.cleanup());

/** Write every `file=` block of `doc` into a fresh folder. */
function materialise(doc: string): string {
  const dir = path.join(tmp.dir, path.basename(doc, '.md'));
  for (const b of codeBlocks(doc)) {
    if (b.file === undefined) continue;
    const file = path.join(dir, b.file);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, b.text);
  }
  return dir;
}
describe('README documentation table', () => {
  it('lists only files that exist', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Documentation'));
    const files = [...table.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1] as string);
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) expect(existsSync(path.join(repoRoot, f)), f).toBe(true);
  });
});

describe('docs/scripts.md', () => {
  it('the hello example runs as shown; its counter persists', async () => {
    const dir = materialise('docs/scripts.md');
    const state = path.join(dir, 'state');
    const first = await runCli(['--state-dir', state, path.join(dir, 'hello.yaml'), '--name', 'ops']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).run).toMatchObject({ name: 'ops', greeting: 'hello ops', visits: 1 });
    const second = await runCli(['--state-dir', state, path.join(dir, 'hello.yaml'), '--name', 'ops']);
    expect(JSON.parse(second.stdout).run).toMatchObject({ visits: 2 });
  });
});

describe('docs/first-monitor.md', () => {
  it('the tutorial block checks clean, runs, samples, graphs and stops with exit 0', async () => {
    const dir = materialise('docs/first-monitor.md');
    const block = path.join(dir, 'monitor.yaml');
    expect(await runCli(['--check', block])).toMatchObject({ code: 0, stdout: 'ok\n', stderr: '' });
    const p = startCli([block, '--limit', '-1'], { cwd: dir });
    await p.waitFor(/"load1"/, 'stdout');
    await p.waitFor(/load [\d.]+ is over -1/, 'stderr'); // the script's warning
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/RunThread load: \d+ run\(s\), 0 error\(s\), \d+ skipped, [1-9]\d* sample\(s\), [1-9]\d* graph render\(s\)/);
    const png = PNG.sync.read(readFileSync(path.join(dir, 'load.png')));
    expect(png.width).toBeGreaterThan(600);
    const status = await runCli(['status', block]);
    expect(status.code).toBe(3);
    expect(status.stdout).toMatch(/^Load monitor .*not running: stopped/);
  });
});
