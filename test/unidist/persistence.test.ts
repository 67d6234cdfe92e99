import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, type LogRecord } from '../../src/core/logger.js';
import { createMemoryUnidist, type MemoryUnidist } from '../../src/unidist/memory/index.js';
import { FakeClock } from '../helpers/fake-clock.js';

let dir: string;
const open: MemoryUnidist[] = [];
const extraDirs: string[] = [];

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-unidist-'));
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((u) => u.close()));
  for (const d of [dir, ...extraDirs.splice(0)]) await fs.rm(d, { recursive: true, force: true });
});

async function openAt(stateDir: string, extra: Parameters<typeof createMemoryUnidist>[0] = {}): Promise<MemoryUnidist> {
  const u = await createMemoryUnidist({ stateDir, clock: new FakeClock(), ...extra });
  open.push(u);
  return u;
}

/**
 * What a kill -9 leaves behind: the files as they are now. The writer's lock file is left out
 * (this process is alive; stale-lock takeover is tested on its own, and with real kills below).
 */
async function crashCopy(from: string): Promise<string> {
  const to = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-unidist-crash-'));
  extraDirs.push(to);
  await fs.cp(from, to, { recursive: true, filter: (src) => path.basename(src) !== 'lock' });
  return to;
}

async function journalFiles(d: string): Promise<string[]> {
  return (await fs.readdir(d)).filter((f) => f.startsWith('journal-')).sort();
}

describe('memory unidist persistence', () => {
  it('a graceful close and reopen keeps counters, state, queues (with maxLength) and loses nothing', async () => {
    const u = await openAt(dir);
    await u.counter.set('a', 5);
    await u.counter.increment('a', 2);
    await u.counter.increment('b');
    await u.state.set('s', 'k', { nested: [1, 'two'] });
    await u.state.set('s', 'gone', 1);
    await u.state.delete('s', 'gone');
    for (let i = 1; i <= 4; i++) await u.queue.add('q', `m${i}`, { maxLength: 3 });
    await u.queue.oldest('q');
    await u.queue.add('other', 1);
    await u.queue.newest('other');
    await u.close();
    open.length = 0;

    const v = await openAt(dir);
    expect(await v.counter.all()).toEqual({ a: 7, b: 1 });
    expect(await v.state.get('s', 'k')).toEqual({ nested: [1, 'two'] });
    expect(await v.state.keys('s')).toEqual(['k']);
    expect(await v.queue.all('q')).toEqual(['m3', 'm4']);
    expect(await v.queue.count('other')).toBe(0);
    await v.queue.add('q', 'm5');
    await v.queue.add('q', 'm6');
    expect(await v.queue.all('q')).toEqual(['m4', 'm5', 'm6']); // maxLength 3 survived
  });

  it('after a crash, a reopen replays the flushed journal and nothing unflushed', async () => {
    const u = await openAt(dir);
    await u.counter.increment('n', 10);
    await u.state.set('b', 'k', 'v');
    await u.queue.add('q', 'x');
    await u.flush();
    await u.counter.increment('n', 1); // not flushed: a crash now loses it
    const copy = await crashCopy(dir);
    const v = await openAt(copy);
    expect(await v.counter.get('n')).toBe(10);
    expect(await v.state.get('b', 'k')).toBe('v');
    expect(await v.queue.all('q')).toEqual(['x']);
  });

  it('a torn journal tail is ignored with a warning; the valid records survive and writing continues', async () => {
    const u = await openAt(dir);
    await u.counter.set('c', 1);
    await u.flush();
    await u.counter.set('c', 2);
    await u.flush();
    const copy = await crashCopy(dir);
    const [jf] = await journalFiles(copy);
    const file = path.join(copy, jf!);
    const size = (await fs.stat(file)).size;
    await fs.truncate(file, size - 3); // the last record, cut mid-payload
    const records: LogRecord[] = [];
    const v = await openAt(copy, { logger: createLogger((r) => records.push(r), 'debug') });
    expect(await v.counter.get('c')).toBe(1);
    expect(records.some((r) => r.level === 'warn' && /torn/.test(r.msg))).toBe(true);
    await v.counter.set('c', 3);
    await v.flush();
    const again = await crashCopy(copy);
    const w = await openAt(again);
    expect(await w.counter.get('c')).toBe(3);
  });

  it('a record with a bad checksum ends the valid prefix', async () => {
    const u = await openAt(dir);
    await u.counter.set('c', 1);
    await u.flush();
    await u.counter.set('c', 22);
    await u.flush();
    const copy = await crashCopy(dir);
    const file = path.join(copy, (await journalFiles(copy))[0]!);
    const buf = await fs.readFile(file);
    const i = buf.lastIndexOf('22');
    buf[i] = '9'.charCodeAt(0); // same length, different bytes
    await fs.writeFile(file, buf);
    const v = await openAt(copy);
    expect(await v.counter.get('c')).toBe(1);
  });

  it('writes the journal only when the flush interval passes on the injected clock', async () => {
    const clock = new FakeClock();
    let flushed = 0;
    let onFlush: (() => void) | undefined;
    const u = await openAt(dir, {
      clock,
      flushIntervalMs: 1000,
      onFlushed: ({ durableOps }) => {
        flushed = durableOps;
        onFlush?.();
      },
    });
    const file = path.join(dir, (await journalFiles(dir))[0]!);
    const emptySize = (await fs.stat(file)).size;
    await u.counter.increment('x');
    await u.counter.increment('x');
    await clock.advance(999);
    expect(flushed).toBe(0);
    expect((await fs.stat(file)).size).toBe(emptySize);
    const done = new Promise<void>((r) => (onFlush = r));
    await clock.advance(1);
    await done;
    expect(flushed).toBe(2);
    expect((await fs.stat(file)).size).toBeGreaterThan(emptySize);
  });

  it('compacts into an atomic snapshot when the journal grows, and on close', async () => {
    const u = await openAt(dir, { compactBytes: 200 });
    for (let i = 0; i < 50; i++) {
      await u.counter.increment('k');
      await u.queue.add('q', i, { maxLength: 5 });
      if (i % 5 === 4) await u.flush();
    }
    const mid = await journalFiles(dir);
    expect(mid).toHaveLength(1);
    expect(mid[0]).not.toBe('journal-0.log'); // at least one compaction happened
    const snap = JSON.parse(await fs.readFile(path.join(dir, 'snapshot.json'), 'utf8')) as { format: string };
    expect(snap.format).toBe('procblock-unidist-snapshot');
    await u.close();
    open.length = 0;
    expect((await fs.readdir(dir)).filter((f) => f.endsWith('.tmp') || f === 'lock')).toEqual([]);
    const v = await openAt(dir);
    expect(await v.counter.get('k')).toBe(50);
    expect(await v.queue.all('q')).toEqual([45, 46, 47, 48, 49]);
  });

  it('fencing tokens are never reused after a restart, even after a crash', async () => {
    const u = await openAt(dir);
    const h = (await u.lock.acquire('L'))!;
    await h.release();
    const h2 = (await u.lock.acquire('L'))!;
    // No flush(): acquire itself made the token reservation durable.
    const copy = await crashCopy(dir);
    const v = await openAt(copy);
    expect(await v.lock.isLocked('L')).toBe(false); // locks themselves do not persist
    const h3 = (await v.lock.acquire('L'))!;
    expect(h3.token).toBeGreaterThan(h2.token);
    await u.close();
    open.splice(open.indexOf(u), 1);
    const w = await openAt(dir);
    expect((await w.lock.acquire('L'))!.token).toBeGreaterThan(h2.token);
  });

  it('a value that cannot be persisted is rejected with PB_ERR_INVALID_ARGUMENT and not applied', async () => {
    const u = await openAt(dir);
    await expect(u.state.set('b', 'k', { big: 1n })).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
    expect(await u.state.has('b', 'k')).toBe(false);
    await expect(u.queue.add('q', 2n)).rejects.toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
    expect(await u.queue.count('q')).toBe(0);
  });

  it('a second open of the same state dir is PB_ERR_ALREADY_RUNNING until the first closes', async () => {
    const u = await openAt(dir);
    await expect(createMemoryUnidist({ stateDir: dir })).rejects.toMatchObject({ code: 'PB_ERR_ALREADY_RUNNING' });
    await u.close();
    open.length = 0;
    await openAt(dir);
  });

  it('takes over a lock file left by a dead process', async () => {
    const child = spawn(process.execPath, ['-e', '']);
    const pid = child.pid!;
    await new Promise((r) => child.once('exit', r));
    await fs.writeFile(path.join(dir, 'lock'), `${pid}\n`);
    const u = await openAt(dir);
    await u.counter.increment('ok');
    expect((await fs.readFile(path.join(dir, 'lock'), 'utf8')).trim()).toBe(String(process.pid));
  });

  it('a corrupt snapshot is PB_ERR_UNIDIST, and the dir lock is released', async () => {
    await fs.writeFile(path.join(dir, 'snapshot.json'), '{"format": "something else"}');
    await expect(createMemoryUnidist({ stateDir: dir })).rejects.toMatchObject({ code: 'PB_ERR_UNIDIST' });
    await expect(fs.access(path.join(dir, 'lock'))).rejects.toThrow();
  });

  it('pending flush and TTL timers do not keep the process alive', async () => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/idle-child.mjs', import.meta.url)), dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const [code, signal] = await new Promise<[number | null, string | null]>((r) => child.once('exit', (c, s) => r([c, s])));
    expect([code, signal, out]).toEqual([0, null, 'ready\n']);
  });
});
