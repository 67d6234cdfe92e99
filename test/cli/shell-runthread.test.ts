/**
 * The original's CPU tab, end to end through the real CLI (issue 13 point 10): a `shell:` item
 * that is a RunThread, reads the CPU counters with `parse: kv` on every tick and collects them
 * into a round-robin file. Synchronised on the command's own tick file (fs.watch), never on sleeps.
 */
import { existsSync, readFileSync, watch, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir('procblock-shell-thread-');
afterAll(() => tmp.cleanup());

/** Resolve once `file` holds at least `lines` lines (watching its folder for changes). */
function linesIn(file: string, lines: number): Promise<void> {
  const count = (): number => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0);
  return new Promise((resolve) => {
    const watcher = watch(path.dirname(file), () => {
      if (count() >= lines) {
        watcher.close();
        resolve();
      }
    });
    if (count() >= lines) {
      watcher.close();
      resolve();
    }
  });
}

const BLOCK = `# The CPU tab: a shell command every 0.2 s (the original: every 5 s), its counters collected.
__usage:
  name: CPU tab
  longrunning: true
run:
  - shell: |
      awk '/^cpu /{print "user", $2; print "system", $4; print "idle", $5}' /proc/stat
      n=$(( $(cat n 2>/dev/null || echo 0) + 1 )); echo $n > n; echo "ticks=$n"; echo $n >> ticks.log
    cache: 0.2
    thread_id: cpu
    parse: kv
    timeseries collect:
      path: cpu.rrd
      interval: 1
      fields:
        user: {type: COUNTER}
        system: {type: COUNTER}
        idle: {type: COUNTER}
        ticks: {type: GAUGE}
`;

describe('a shell RunThread with parse: kv and timeseries collect, through the CLI', () => {
  it('prints the first fields and the run_thread snapshot, collects every tick, stops cleanly on Ctrl-C', async () => {
    const block = path.join(tmp.dir, 'cpu.yaml');
    writeFileSync(block, BLOCK);
    const p = startCli(['--state-dir', path.join(tmp.dir, 'state'), block], { cwd: tmp.dir });
    await p.waitFor(/"run_thread\.cpu"/, 'stdout');
    const printed = JSON.parse(p.stdout()) as { run: Record<string, unknown> };
    expect(printed.run).toMatchObject({ ticks: 1, user: expect.any(Number), idle: expect.any(Number) });
    expect(printed.run['run_thread.cpu']).toMatchObject({ id: 'cpu', running: true, runs: 1, started_at: expect.any(Number) });
    expect(printed.run).not.toHaveProperty('status');

    await linesIn(path.join(tmp.dir, 'ticks.log'), 8);
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code).toBe(0);
    const ran = readFileSync(path.join(tmp.dir, 'n'), 'utf8').trim();
    const written = Number(/cpu\.rrd: (\d+) sample\(s\) written/.exec(r.stderr)?.[1]);
    // Every tick that finished was written (the last one may race the stop).
    expect(written).toBeGreaterThanOrEqual(Number(ran) - 1);
    expect(written).toBeLessThanOrEqual(Number(ran));

    const info = await runCli(['rrd', 'info', path.join(tmp.dir, 'cpu.rrd')]);
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(/ds\[user\]\.type = "COUNTER"/);
    expect(info.stdout).toMatch(new RegExp(`ds\\[ticks\\]\\.last_ds = "${written}"`));
  });
});
