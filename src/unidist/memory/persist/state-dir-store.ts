import fs from 'node:fs/promises';
import path from 'node:path';
import type { Clock, TimerHandle } from '../../../core/clock.js';
import { RuntimeFailure } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import { applyOp, emptyData, type UnidistData } from '../data.js';
import type { OpSink } from '../memory-unidist.js';
import type { UnidistOp } from '../ops.js';
import { JOURNAL_MAGIC, decodeJournal, encodeRecord, hasMagic } from './journal-format.js';
import { decodeSnapshot, encodeSnapshot } from './snapshot-format.js';
import { lockStateDir, type StateDirLock } from './state-dir-lock.js';

/**
 * Persistence of a memory unidist in a state dir (format and guarantees: docs/unidist-persistence.md).
 *
 *   snapshot.json        the state at the start of generation G (atomic: temp + fsync + rename)
 *   journal-G.log        ops since that snapshot, appended (see journal-format.ts)
 *   lock                 pid of the process that has the dir open
 *
 * Ops are buffered in memory and appended + fdatasync'ed at most `flushIntervalMs` after they
 * happen, so a killed process loses at most that window. When the journal passes
 * `compactBytes` (and on close) the state is written as snapshot G+1 and journal G is deleted.
 * All file I/O runs one step at a time on a promise chain, so a flush never interleaves with a
 * compaction.
 */
export interface StateDirStoreOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly flushIntervalMs: number;
  readonly compactBytes: number;
  /** Called after each successful flush with the number of ops durable since open. */
  readonly onFlushed?: ((stats: { durableOps: number }) => void) | undefined;
}

interface PendingBatch {
  readonly chunks: Buffer[];
  readonly counters: Map<string, number>;
  readonly tokens: Map<string, number>;
  readonly ops: number;
}

const SNAPSHOT = 'snapshot.json';
const journalName = (gen: number): string => `journal-${gen}.log`;

export async function openStateDir(dir: string, options: StateDirStoreOptions): Promise<{ data: UnidistData; sink: OpSink }> {
  await fs.mkdir(dir, { recursive: true });
  const lock = await lockStateDir(dir, options.logger);
  try {
    const { data, generation } = await load(dir, options.logger);
    const journal = await fs.open(path.join(dir, journalName(generation)), 'a');
    if ((await journal.stat()).size === 0) await journal.write(JOURNAL_MAGIC);
    const size = (await journal.stat()).size;
    return { data, sink: new StateDirStore(dir, data, generation, journal, size, lock, options) };
  } catch (e) {
    await lock.release();
    throw e;
  }
}

async function load(dir: string, logger: Logger): Promise<{ data: UnidistData; generation: number }> {
  let data = emptyData();
  let generation = 0;
  const snapFile = path.join(dir, SNAPSHOT);
  const text = await fs.readFile(snapFile, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw new RuntimeFailure('PB_ERR_UNIDIST', `cannot read ${snapFile}: ${e.message}`, { cause: e });
  });
  if (text !== undefined) ({ data, generation } = decodeSnapshot(text, snapFile));

  for (const name of await fs.readdir(dir)) {
    const m = /^journal-(\d+)\.log$/.exec(name);
    if (name.endsWith('.tmp')) await fs.rm(path.join(dir, name), { force: true }); // an interrupted snapshot write
    if (!m) continue;
    const gen = Number(m[1]);
    // Older journals are already inside the snapshot (a compaction was cut short before deleting them).
    if (gen < generation) await fs.rm(path.join(dir, name), { force: true });
    else if (gen > generation) logger.warn('ignoring a unidist journal newer than the snapshot', { file: name });
  }

  const file = path.join(dir, journalName(generation));
  const buf = await fs.readFile(file).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw new RuntimeFailure('PB_ERR_UNIDIST', `cannot read ${file}: ${e.message}`, { cause: e });
  });
  if (buf !== undefined && buf.length > 0) {
    if (!hasMagic(buf)) {
      // Only a kill between creating the file and writing its 8-byte magic leaves this.
      if (buf.length >= JOURNAL_MAGIC.length) throw new RuntimeFailure('PB_ERR_UNIDIST', `${file} is not a procblock unidist journal`);
      await fs.truncate(file, 0);
    } else {
      const j = decodeJournal(buf);
      for (const op of j.ops) applyOp(data, op);
      if (j.torn) {
        logger.warn('unidist journal had a torn tail (the process was killed mid-write); ignoring it', {
          file,
          ignoredBytes: buf.length - j.validLength,
        });
        await fs.truncate(file, j.validLength);
      }
    }
  }
  return { data, generation };
}

class StateDirStore implements OpSink {
  /** Encoded records not yet written, in commit order. */
  private pending: Buffer[] = [];
  /**
   * Counter and token ops are "set to value" and touch nothing else, so only the last value per
   * name since the last flush needs writing: a counter bumped 10,000 times a second costs one
   * record per flush, not 10,000.
   */
  private dirtyCounters = new Map<string, number>();
  private dirtyTokens = new Map<string, number>();
  /** Ops committed since the last flush (each counts, coalesced or not). */
  private pendingOps = 0;
  private durableOps = 0;
  private timer: TimerHandle | undefined;
  private io: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly data: UnidistData,
    private generation: number,
    private journal: fs.FileHandle,
    private journalBytes: number,
    private readonly lock: StateDirLock,
    private readonly options: StateDirStoreOptions,
  ) {}

  record(op: UnidistOp): void {
    if (op.o === 'c') this.dirtyCounters.set(op.n, op.v);
    else if (op.o === 't') this.dirtyTokens.set(op.n, op.v);
    else this.pending.push(encodeRecord(op));
    this.pendingOps++;
    this.timer ??= this.options.clock
      .setTimeout(() => {
        this.timer = undefined;
        this.flush().catch((e: unknown) => this.options.logger.error('unidist flush failed', { error: String(e) }));
      }, this.options.flushIntervalMs)
      .unref();
  }

  flush(): Promise<void> {
    return this.step(() => this.writePending());
  }

  async close(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
    try {
      await this.step(() => this.compact());
    } finally {
      await this.io;
      await this.journal.close().catch(() => undefined);
      await this.lock.release();
    }
  }

  /** Run `fn` after every earlier I/O step; a failed step does not block later ones. */
  private step(fn: () => Promise<void>): Promise<void> {
    const p = this.io.then(fn);
    this.io = p.catch(() => undefined);
    return p;
  }

  private async writePending(): Promise<void> {
    if (this.pendingOps === 0) return;
    const batch = this.takePending();
    const ops = batch.ops;
    try {
      const chunks = [...batch.chunks];
      for (const [n, v] of batch.counters) chunks.push(encodeRecord({ o: 'c', n, v }));
      for (const [n, v] of batch.tokens) chunks.push(encodeRecord({ o: 't', n, v }));
      const buf = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      await this.journal.write(buf);
      await this.journal.datasync();
      this.journalBytes += buf.length;
    } catch (e) {
      // Keep them for the next attempt; nothing after them was written either.
      this.restorePending(batch);
      throw new RuntimeFailure('PB_ERR_UNIDIST', `cannot write the unidist journal in ${this.dir}: ${(e as Error).message}`, { cause: e });
    }
    this.durable(ops);
    if (this.journalBytes > this.options.compactBytes) await this.compact();
  }

  /** Snapshot generation G+1 (which includes every op so far, written or not), then drop journal G. */
  private async compact(): Promise<void> {
    const next = this.generation + 1;
    const text = encodeSnapshot(this.data, next); // captured synchronously: consistent with `pending` below
    const batch = this.takePending();
    const file = path.join(this.dir, SNAPSHOT);
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      const h = await fs.open(tmp, 'w');
      try {
        await h.writeFile(text);
        await h.sync();
      } finally {
        await h.close();
      }
      await fs.rename(tmp, file);
    } catch (e) {
      // The old snapshot + journal still stand; the ops go back to be journaled.
      this.restorePending(batch);
      throw new RuntimeFailure('PB_ERR_UNIDIST', `cannot write the unidist snapshot in ${this.dir}: ${(e as Error).message}`, { cause: e });
    }
    await syncDir(this.dir);
    // From here on the snapshot is the truth; journal G is redundant.
    const old = this.journal;
    const oldName = path.join(this.dir, journalName(this.generation));
    this.generation = next;
    this.journal = await fs.open(path.join(this.dir, journalName(next)), 'w');
    await this.journal.write(JOURNAL_MAGIC);
    this.journalBytes = JOURNAL_MAGIC.length;
    await old.close();
    await fs.rm(oldName, { force: true });
    this.durable(batch.ops);
  }

  private takePending(): PendingBatch {
    const batch: PendingBatch = { chunks: this.pending, counters: this.dirtyCounters, tokens: this.dirtyTokens, ops: this.pendingOps };
    this.pending = [];
    this.dirtyCounters = new Map();
    this.dirtyTokens = new Map();
    this.pendingOps = 0;
    return batch;
  }

  /** Put a batch that failed to write back in front of what came since (newer values win). */
  private restorePending(batch: PendingBatch): void {
    this.pending = batch.chunks.concat(this.pending);
    for (const [n, v] of batch.counters) if (!this.dirtyCounters.has(n)) this.dirtyCounters.set(n, v);
    for (const [n, v] of batch.tokens) this.dirtyTokens.set(n, Math.max(v, this.dirtyTokens.get(n) ?? 0));
    this.pendingOps += batch.ops;
  }

  private durable(ops: number): void {
    this.durableOps += ops;
    try {
      this.options.onFlushed?.({ durableOps: this.durableOps });
    } catch (e) {
      this.options.logger.warn('unidist onFlushed callback threw', { error: String(e) });
    }
  }
}

async function syncDir(dir: string): Promise<void> {
  // Makes the rename itself durable; not supported everywhere (e.g. Windows), where it is skipped.
  const h = await fs.open(dir, 'r').catch(() => undefined);
  if (!h) return;
  try {
    await h.sync();
  } catch {
    // best effort
  } finally {
    await h.close();
  }
}
