/**
 * Issue 7 point 4: the README's block-in-one-screen works as written. The YAML and the script
 * are taken from README.md itself, so the README cannot drift from what runs.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCli, tempDir } from '../helpers/cli.js';
import { codeBlock } from './markdown.js';

const tmp = tempDir('procblock-readme-');
afterAll(() => tmp.cleanup());
const block = path.join(tmp.dir, 'disk.yaml');
writeFileSync(block, codeBlock('README.md', 'yaml', 'name: Disk check'));
writeFileSync(path.join(tmp.dir, 'disk.ts'), codeBlock('README.md', 'ts', 'statfs'));

async function firstResult(limit: string): Promise<Record<string, unknown>> {
  const p = startCli(['--state-dir', path.join(tmp.dir, `state-${limit}`), block, '--limit', limit]);
  await p.waitFor(/\}\n$/, 'stdout');
  p.child.kill('SIGINT');
  const r = await p.done;
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe("README's block in one screen", () => {
  it('passes --check without warnings', async () => {
    expect(await runCli(['--check', block])).toMatchObject({ code: 0, stdout: 'ok\n', stderr: '' });
  });

  it('the condition sees the value the run produced', async () => {
    const over = await firstResult('-1');
    expect(typeof (over.run as Record<string, unknown>).used).toBe('number');
    expect(over.alert).toBe('disk almost full');
    const under = await firstResult('101');
    expect(under).not.toHaveProperty('alert');
  });
});
