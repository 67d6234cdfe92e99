/**
 * Exit codes at the edges (SPEC §1, §4; docs/cli.md): a first Ctrl-C is a graceful stop — exit 0
 * — whatever the run is doing when it arrives. Each moment is reached by synchronising on the
 * child's stderr (or the test hold of main.ts), never by sleeping.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, startCli, tempDir } from '../helpers/cli.js';

const fx = (name: string): string => path.join(repoRoot, 'test', 'fixtures', 'cli', name);
const tmp = tempDir('procblock-signals-');
afterAll(() => tmp.cleanup());
let n = 0;
const stateDir = (): string => path.join(tmp.dir, `state-${++n}`);

describe('a first SIGINT is a graceful stop at any moment', () => {
  it('before the runtime exists (the block is loaded, the first worker started): exit 0, nothing printed', async () => {
    const p = startCli(['--state-dir', stateDir(), fx('longrun.yaml')], { env: { PROCBLOCK_TEST_HOLD: 'before-runtime' } });
    await p.waitFor(/test hold at before-runtime/, 'stderr');
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r, r.stderr).toMatchObject({ code: 0, stdout: '' });
    expect(r.stderr).toMatch(/SIGINT received: stopping gracefully/);
    expect(r.stderr).toMatch(/Stopped before processing started/);
    expect(r.stderr).not.toMatch(/PB_ERR_/);
  });

  it('during the first processing of a long-running block, its first tick ignoring ctx.signal: exit 0, the script named', async () => {
    const p = startCli(['--state-dir', stateDir(), '--stop-timeout', '0.2', fx('first-tick-hangs.yaml')]);
    await p.waitFor(/running, ignoring ctx\.signal/, 'stderr');
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(''); // the first processing never produced a result
    expect(r.stderr).toMatch(/Terminating 1 script\(s\) still running after the 0\.2 s stop deadline: .*ignores-signal\.mjs/);
    expect(r.stderr).not.toMatch(/error\[PB_ERR_/);
  });

  it('during a one-shot script that ignores ctx.signal: exit 0, the script named', async () => {
    const p = startCli(['--state-dir', stateDir(), '--stop-timeout', '0.2', fx('oneshot-ignores-signal.yaml')]);
    await p.waitFor(/running, ignoring ctx\.signal/, 'stderr');
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/Terminating 1 script\(s\) still running after the 0\.2 s stop deadline: .*ignores-signal\.mjs/);
    expect(r.stderr).not.toMatch(/error\[PB_ERR_/);
  });

  it('SIGTERM during a one-shot script that ignores ctx.signal: exit 0 too', async () => {
    const p = startCli(['--state-dir', stateDir(), '--stop-timeout', '0.2', fx('oneshot-ignores-signal.yaml')]);
    await p.waitFor(/running, ignoring ctx\.signal/, 'stderr');
    p.child.kill('SIGTERM');
    const r = await p.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/SIGTERM received: stopping gracefully/);
  });

  it('after the first result of a long-running block: exit 0', async () => {
    const p = startCli(['--state-dir', stateDir(), fx('longrun.yaml')]);
    await p.waitFor(/"ticks"/, 'stdout');
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ run: { ticks: 1 } });
  });
});
