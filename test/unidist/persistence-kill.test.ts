import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createMemoryUnidist } from '../../dist/unidist/index.js';

const CHILD = fileURLToPath(new URL('./fixtures/counter-child.mjs', import.meta.url));
const KILLS = 24;

interface RunResult {
  start: number;
  lastFlushed: number;
}

/** Run the child until it has reported `flushes` flushes (plus a random extra moment), then kill -9 it. */
function runAndKill(dir: string, flushes: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    // Small interval and compaction threshold: kills land mid-append and mid-compaction.
    const child = spawn(process.execPath, [CHILD, dir, '5', '4096'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let start = -1;
    let lastFlushed = -1;
    let seen = 0;
    let buf = '';
    let stderr = '';
    let killing = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const [kind, value] = buf.slice(0, nl).split(' ');
        buf = buf.slice(nl + 1);
        if (kind === 'start') start = Number(value);
        if (kind === 'flushed') {
          lastFlushed = Number(value);
          if (++seen >= flushes && !killing) {
            killing = true;
            // A random number of event-loop turns more, so the kill lands at a random point.
            let turns = Math.floor(Math.random() * 40);
            const later = (): void => {
              if (turns-- > 0) setImmediate(later);
              else child.kill('SIGKILL');
            };
            later();
          }
        }
      }
    });
    child.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited ${code} ${signal}: ${stderr}`));
      else resolve({ start, lastFlushed });
    });
  });
}

describe('memory unidist persistence under kill -9', () => {
  it(`loses at most the last flush interval across ${KILLS} kills`, async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-unidist-kill-'));
    try {
      let known = 0; // every value the counter is known to have reached durably
      for (let i = 0; i < KILLS; i++) {
        const r = await runAndKill(dir, 1 + Math.floor(Math.random() * 6));
        // The child started from what survived the previous kill (it took over the stale lock).
        expect(r.start).toBeGreaterThanOrEqual(known);
        expect(r.lastFlushed).toBeGreaterThan(r.start);
        known = r.lastFlushed;
        if (i % 2 === 1) {
          // Every other time, check from this process too (another stale-lock takeover).
          const u = await createMemoryUnidist({ stateDir: dir });
          const v = await u.counter.get('n');
          expect(v).toBeGreaterThanOrEqual(known);
          known = v;
          await u.close();
        }
      }
      const u = await createMemoryUnidist({ stateDir: dir });
      expect(await u.counter.get('n')).toBeGreaterThanOrEqual(known);
      await u.close();
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
    // 24 child processes one after another: on a loaded 2-core machine this took up to 45 s of
    // the default 60 s budget (mostly waiting for each child to start).
  }, KILLS * 5_000);
});
