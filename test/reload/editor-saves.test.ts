/**
 * Editor save patterns through the real CLI (issue 10, done-when 2): each kind of save is one
 * reload; a burst of 20 saves within ~100 ms is one or two, and a half-written file is never
 * loaded. Synchronised on the reload lines and on the ticks of the new code. A save that leaves
 * the file missing or incomplete for longer than the watcher's quiet period (its writer
 * descheduled on a loaded machine) may first get a rejected reload, then the applied one.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { requireSystemTool } from '../helpers/system-tool.js';
import { reloadRecords, tickScript, WatchedBlock } from './helpers.js';

const tmp = tempDir('procblock-saves-');
afterAll(() => tmp.cleanup());
let running: WatchedBlock | undefined;
afterEach(() => {
  running?.cli.child.kill('SIGKILL');
  running = undefined;
});

const BLOCK = ['__usage: {name: saves, longrunning: true}', 'run:', '  - script: val.ts', '    cache: 1', '    thread_id: val', ''].join('\n');
const version = (v: number): string => tickScript(`val tick v${v}`, `{ v: ${v} }`);

let n = 0;
function freshBlock(): string {
  const dir = path.join(tmp.dir, `b${++n}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'block.yaml'), BLOCK);
  writeFileSync(path.join(dir, 'val.ts'), version(1));
  return dir;
}

/** The quiet period the watched blocks run with (`--watch-debounce 0.05`, helpers.ts). */
const DEBOUNCE_MS = 50;

/** Time `fn` leaves the file missing or incomplete: an upper bound, in ms. */
function incompleteFor(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/**
 * The save patterns, each writing `text` to `file` the way an editor does. Each returns how long
 * (at most) the file was missing or incomplete: a reload can only find it so if that window
 * outlasted the watcher's quiet period (the writer was descheduled in between, on a loaded
 * machine), and then rejecting that reload is right.
 */
const saves: Record<string, (file: string, text: string) => number> = {
  'write in place': (file, text) => incompleteFor(() => writeFileSync(file, text)),
  'write a temp file and rename it over': (file, text) => {
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
    writeFileSync(temp, text);
    renameSync(temp, file);
    return 0;
  },
  'delete and recreate': (file, text) =>
    incompleteFor(() => {
      unlinkSync(file);
      writeFileSync(file, text);
    }),
  // vim with its default `backupcopy=auto` on a file with one link, as strace shows it: a swap
  // file, the 4913 probe, the original renamed to `file~`, the new text written to a new file
  // and fsync'ed, the backup deleted, the swap file deleted.
  'vim (its file operations, reproduced)': (file, text) => {
    const dir = path.dirname(file);
    const swap = path.join(dir, `.${path.basename(file)}.swp`);
    writeFileSync(swap, 'b0VIM 9.0');
    const probe = path.join(dir, '4913');
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
    const missing = incompleteFor(() => {
      renameSync(file, `${file}~`);
      const fd = openSync(file, 'w');
      writeSync(fd, text);
      closeSync(fd);
    });
    unlinkSync(`${file}~`);
    unlinkSync(swap);
    return missing;
  },
};

/** What a reload of a missing, empty or half-written script is rejected with. */
const INCOMPLETE_FILE = ['PB_ERR_SCRIPT_NOT_FOUND', 'PB_ERR_SCRIPT_NO_EXPORT', 'PB_ERR_SCRIPT_SYNTAX'];

describe('editor saves: one reload each', () => {
  it('write in place, temp + rename, delete + recreate, vim: exactly one applied reload per save', async () => {
    const dir = freshBlock();
    const b = (running = WatchedBlock.start(dir, 'block.yaml'));
    await b.ready();
    const file = path.join(dir, 'val.ts');
    let v = 1;
    let n = 0;
    const expected: string[] = [];
    for (const [name, save] of Object.entries(saves)) {
      const incomplete = save(file, version(++v));
      let r = await b.reload(++n);
      if (r.outcome === 'rejected' && incomplete >= DEBOUNCE_MS) {
        // The file stayed missing or incomplete longer than the quiet period: a reload found it
        // so and was rejected (the old code kept running); the finished file is the next reload.
        expect(INCOMPLETE_FILE, `${name}: ${JSON.stringify(r)}`).toContain(r.code);
        expected.push('rejected');
        r = await b.reload(++n);
      }
      expect(r, `${name} (the file was missing or incomplete for at most ${incomplete.toFixed(1)} ms)`).toMatchObject({ outcome: 'applied', restarted: ['val'] });
      expected.push('applied');
      await b.cli.waitFor(new RegExp(`val tick v${v}\\b`), 'stderr');
    }
    // A last save, seen as reload number n + 1: no save before it produced another reload.
    writeFileSync(file, version(++v));
    expect(await b.reload(++n)).toMatchObject({ outcome: 'applied' });
    expected.push('applied');
    expect(reloadRecords(b.stderr).map((r) => r.outcome)).toEqual(expected);
    expect((await b.stop()).code).toBe(0);
  });

  const haveVim = requireSystemTool('vim', ['--version'], 'the hot-reload test that saves with the real vim');
  it.runIf(haveVim)('the real vim (default backupcopy) saving the script is one reload', async () => {
    const dir = freshBlock();
    const b = (running = WatchedBlock.start(dir, 'block.yaml'));
    await b.ready();
    // Vim's default 'backupskip' excludes /tmp (where tests run) from backups, which would make
    // it write in place; emptying it gives the default backupcopy=auto behaviour of any folder.
    for (let v = 2; v <= 3; v++) {
      const r = spawnSync('vim', ['-u', 'NONE', '-i', 'NONE', '-N', '-es', '-c', 'set backupskip=', '-c', `%s/v${v - 1}/v${v}/g`, '-c', 'wq', 'val.ts'], {
        cwd: dir,
        encoding: 'utf8',
      });
      expect(r.status).toBe(0);
      expect(await b.reload(v - 1)).toMatchObject({ outcome: 'applied', restarted: ['val'] });
      await b.cli.waitFor(new RegExp(`val tick v${v}\\b`), 'stderr');
    }
    writeFileSync(path.join(dir, 'val.ts'), version(4));
    expect(await b.reload(3)).toMatchObject({ outcome: 'applied' });
    expect(reloadRecords(b.stderr)).toHaveLength(3);
    expect((await b.stop()).code).toBe(0);
  });

  it('20 saves within ~100 ms, each written in two parts: one or two reloads, all applied, the last version runs', async () => {
    const dir = freshBlock();
    const b = (running = WatchedBlock.start(dir, 'block.yaml'));
    await b.ready();
    const file = path.join(dir, 'val.ts');
    let longestIncomplete = 0;
    for (let v = 2; v <= 21; v++) {
      // A save that reaches the disk in two writes: a watcher reading between them sees half a file.
      const text = version(v);
      const t0 = performance.now();
      const fd = openSync(file, 'w');
      writeSync(fd, text.slice(0, text.length >> 1));
      await new Promise((r) => setImmediate(r));
      writeSync(fd, text.slice(text.length >> 1));
      closeSync(fd);
      longestIncomplete = Math.max(longestIncomplete, performance.now() - t0);
      await new Promise((r) => setTimeout(r, 4)); // pacing the burst, not synchronising
    }
    await b.cli.waitFor(/val tick v21\b/, 'stderr');
    // A sentinel save after the burst: the reloads before it are the burst's.
    writeFileSync(path.join(dir, 'block.yaml'), `${BLOCK}# sentinel\n`);
    await b.cli.waitFor(/"outcome":"unchanged"/, 'stderr');
    const records = reloadRecords(b.stderr);
    const burst = records.slice(0, -1);
    // A half-written file is rejected only if it stayed half-written longer than the quiet
    // period (the writer descheduled on a loaded machine); each such reload adds one.
    const rejected = longestIncomplete >= DEBOUNCE_MS ? burst.filter((r) => r.outcome === 'rejected') : [];
    for (const r of rejected) expect(INCOMPLETE_FILE, JSON.stringify(r)).toContain(r.code);
    const why = `${JSON.stringify(burst)}; a save was half-written for at most ${longestIncomplete.toFixed(1)} ms`;
    expect(burst.length, why).toBeGreaterThanOrEqual(1);
    expect(burst.length, why).toBeLessThanOrEqual(2 + rejected.length);
    expect(burst.filter((r) => !rejected.includes(r)).every((r) => r.outcome === 'applied'), why).toBe(true);
    if (rejected.length === 0) expect(b.stderr).not.toMatch(/rejected/);
    // No tick ran a version between the first and the last the burst applied, except v21 at the end.
    const versionsRun = [...b.stderr.matchAll(/val tick v(\d+)/g)].map((m) => Number(m[1]));
    expect(versionsRun.at(-1)).toBe(21);
    expect((await b.stop()).code).toBe(0);
  });
});
