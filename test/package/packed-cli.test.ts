/**
 * The package as `npm pack` ships it: the CLI runs from the packed files alone (bin/ with its
 * CommonJS package.json, dist/bundle/), and its caches land in the node_modules that holds it
 * (`node_modules/.cache/procblock/`, src/core/cache-dirs.ts). The packed tree is extracted as
 * npm installs it, `<tmp>/node_modules/procblock/`; its dependencies are this checkout's.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../helpers/cli.js';

const tmp = tempDir('procblock-packed-');
afterAll(() => tmp.cleanup());

describe('packed package', () => {
  it('bin/procblock.js runs a .ts block from the packed files and caches under node_modules/.cache', () => {
    const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp.dir], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { filename: string; files: { path: string }[] }[];
    const files = packed?.files.map((f) => f.path) ?? [];
    for (const f of ['bin/procblock.js', 'bin/package.json', 'dist/bundle/launch.cjs', 'dist/bundle/cli.cjs', 'dist/bundle/worker.cjs', 'dist/bundle/sucrase.cjs', 'dist/bundle/ts-hooks.js', 'dist/index.js']) {
      expect(files).toContain(f);
    }
    const modules = path.join(tmp.dir, 'node_modules');
    const pkg = path.join(modules, 'procblock');
    mkdirSync(pkg, { recursive: true });
    execFileSync('tar', ['-xzf', path.join(tmp.dir, packed?.filename ?? ''), '-C', pkg, '--strip-components=1']);
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(pkg, 'node_modules'));
    const block = path.join(tmp.dir, 'block.yaml');
    writeFileSync(block, 'run:\n  - script: hello.ts\n');
    writeFileSync(path.join(tmp.dir, 'hello.ts'), 'export const processBlock = async (): Promise<object> => { const n: number = 6; return { n: n * 7 }; };\n');
    const env = { ...process.env };
    delete env.PROCBLOCK_CACHE_DIR;
    const out = execFileSync(process.execPath, [path.join(pkg, 'bin', 'procblock.js'), '--quiet', '--state-dir', path.join(tmp.dir, 'state'), block], { cwd: tmp.dir, env, encoding: 'utf8' });
    expect(JSON.parse(out)).toMatchObject({ run: { n: 42 } });
    const cache = path.join(modules, '.cache', 'procblock');
    expect(readdirSync(path.join(cache, 'v8')).filter((n) => n.startsWith('cli.cjs-'))).toHaveLength(1);
    expect(readdirSync(path.join(cache, 'ts'))).not.toHaveLength(0);
  });
});
