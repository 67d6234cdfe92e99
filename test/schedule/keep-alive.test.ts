import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const child = fileURLToPath(new URL('./fixtures/keep-alive-child.mjs', import.meta.url));
const run = promisify(execFile);

// Real timers in a child process (built dist/): the test waits for the child to exit, no sleeps.
describe('RunThread and the process lifetime', () => {
  it('keeps the process alive by default until the thread stops', async () => {
    const { stdout } = await run(process.execPath, [child, 'ref']);
    expect(stdout.trim()).toBe('ticks=3');
  });

  it('does not keep the process alive with unrefTimers', async () => {
    const { stdout } = await run(process.execPath, [child, 'unref']);
    expect(stdout.trim()).toBe('ticks=1');
  });
});
