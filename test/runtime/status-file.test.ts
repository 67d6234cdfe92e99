import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, type LogRecord } from '../../src/core/logger.js';
import { StatusFile, type StatusFileContent } from '../../src/runtime/status-file.js';
import type { RuntimeSnapshot, ThreadSnapshot } from '../../src/runtime/status-snapshot.js';
import { tempDir } from '../helpers/cli.js';
import { FakeClock } from '../helpers/fake-clock.js';

const tmp = tempDir('procblock-status-file-');
afterAll(() => tmp.cleanup());
let n = 0;

const thread = (over: Partial<ThreadSnapshot> = {}): ThreadSnapshot => ({
  id: 't', script: 't.ts', intervalSeconds: 5, running: true, runs: 0, errors: 0, skipped: 0, ranElsewhere: 0, samples: 0, renders: 0, ...over,
});

function setup(): { file: StatusFile; clock: FakeClock; snap: { value: RuntimeSnapshot }; dir: string; logs: LogRecord[]; read: () => StatusFileContent } {
  const dir = path.join(tmp.dir, `s${++n}`);
  const clock = new FakeClock(Date.UTC(2026, 0, 1, 12));
  const snap = { value: { state: 'running', threads: [thread()] } as RuntimeSnapshot };
  const logs: LogRecord[] = [];
  const file = new StatusFile({ stateDir: dir, block: '/b/mon.yaml', name: 'Mon', clock, logger: createLogger((r) => logs.push(r)), snapshot: () => snap.value, intervalMs: 1000, pid: 4242 });
  return { file, clock, snap, dir, logs, read: () => JSON.parse(readFileSync(path.join(dir, 'status.json'), 'utf8')) as StatusFileContent };
}

describe('StatusFile', () => {
  it('writes the state, the threads and their totals at start, then whenever they change', async () => {
    const { file, clock, snap, dir, read } = setup();
    file.start();
    expect(read()).toMatchObject({ format: 1, pid: 4242, block: '/b/mon.yaml', name: 'Mon', state: 'running', startedAt: Date.UTC(2026, 0, 1, 12) / 1000 });
    snap.value = { state: 'running', threads: [thread({ runs: 3, errors: 1, samples: 3, lastSample: 1_767_268_805 }), thread({ id: 'u', runs: 2, skipped: 4 })] };
    await clock.advance(999);
    expect(read().threads[0]?.runs).toBe(0);
    await clock.advance(1);
    const s = read();
    expect(s.totals).toEqual({ threads: 2, runs: 5, errors: 1, skipped: 4, samples: 3, renders: 0, lastSample: 1_767_268_805 });
    expect(s.updatedAt).toBe(Date.UTC(2026, 0, 1, 12) / 1000 + 1);
    // Unchanged: not rewritten (updatedAt stays).
    await clock.advance(5000);
    expect(read().updatedAt).toBe(s.updatedAt);
    file.close('stopped');
    expect(read().state).toBe('stopped');
    expect(clock.timers).toBe(0);
    expect(readdirSync(dir)).toEqual(['status.json']); // no temp file left behind
  });

  it('close() is idempotent and stops the timer', async () => {
    const { file, clock, snap, read } = setup();
    file.start();
    file.close('stopped');
    snap.value = { state: 'running', threads: [thread({ runs: 9 })] };
    file.close('running');
    await clock.advance(10_000);
    expect(read()).toMatchObject({ state: 'stopped', threads: [{ runs: 0 }] });
  });

  it('a folder that cannot be written: one warning, the block runs on', async () => {
    const { file, clock, snap, dir, logs } = setup();
    mkdirSync(path.dirname(dir), { recursive: true });
    writeFileSync(dir, 'a file where the state folder should be');
    file.start();
    snap.value = { state: 'running', threads: [thread({ runs: 1 })] };
    await clock.advance(3000);
    expect(logs.filter((l) => l.level === 'warn')).toHaveLength(1);
    expect(existsSync(path.join(dir, 'status.json'))).toBe(false);
    file.close();
  });
});
