/**
 * An open round-robin file. Only the header, the state and the rows of the current log live in
 * memory (a few KB); rows are read and written where they are on disk, as rrdtool does. Crash
 * safety (docs/rrd-format.md, "Crash safety"):
 *   - each `update()` call appends one checksummed log record (the new state + the rows it
 *     wrote): the commit point, and the only write of an update;
 *   - now and then (log over `logLimitBytes`, at close, when a writer takes over) a checkpoint
 *     writes the log's rows in place, then the state into the older of two checksummed slots,
 *     and restarts the log.
 * Opening takes the newer valid slot and the log records after it (`disk-state.ts`).
 *
 * One writer per file, enforced by `<file>.lock` (`file-lock.ts`): a handle takes it at its
 * first update (or at open with `lock: true`) and gives it back at close, or writes under a lock
 * its caller holds (`lock: lockRrdFile(path)`, kept by the caller). Handles that never write are
 * readers: they ignore the lock, never write, and re-read the state before each read so they
 * follow a live writer.
 */
import { closeSync, openSync } from 'node:fs';
import { systemClock, type Clock } from '../../core/clock.js';
import { InputError, isProcblockError, RuntimeFailure } from '../../core/errors.js';
import { encodeState, type Layout } from './binary-format.js';
import { resolveDefinition, type ResolvedDefinition } from './definition.js';
import { readDiskState, readHeader, type DiskState } from './disk-state.js';
import { givenLock, lockRrdFile, type RrdLock } from './file-lock.js';
import { ioError, writeAll, writeNewFile } from './file-io.js';
import { fetchRows } from './fetch-engine.js';
import { encodeRecord, scratchOf } from './log-record.js';
import { describe } from './rrd-info.js';
import { readAgedRows, writeRingRows } from './row-io.js';
import { RowOverlay } from './row-overlay.js';
import { parseSamples } from './parse-samples.js';
import { initialState, type RrdState } from './state.js';
import type { CreateOptions, FetchOptions, FetchResult, OpenOptions, RrdDefinition, RrdInfo, RrdSample, WritePoint } from './types.js';
import { UpdateEngine } from './update-engine.js';
import { WrittenRows } from './written-rows.js';

/** Log size that triggers a checkpoint (a reader replays at most this much). */
const DEFAULT_LOG_LIMIT = 64 * 1024;

interface UpdateTools {
  readonly engine: UpdateEngine;
  readonly names: ReadonlySet<string>;
  readonly written: WrittenRows;
}

/** Definitions are shared by files with the same header (disk-state.ts), and so are these. */
const toolsByDefinition = new WeakMap<ResolvedDefinition, UpdateTools>();
function updateTools(def: ResolvedDefinition): UpdateTools {
  let t = toolsByDefinition.get(def);
  if (!t) {
    t = { engine: new UpdateEngine(def), names: new Set(def.ds.map((d) => d.name)), written: new WrittenRows(def) };
    toolsByDefinition.set(def, t);
  }
  return t;
}

export class RrdFile {
  private closed = false;
  /** Scratch of the update path, shared by every open file of the same definition (updates are synchronous). */
  private readonly tools: UpdateTools;
  private readonly logLimit: number;
  private readonly clock: Clock;
  private readonly hook: ((point: WritePoint) => void) | undefined;
  private lock: RrdLock | undefined;
  /** Whether `close()` releases `lock` (taken by this handle, not handed in). */
  private ownsLock = false;
  private state!: RrdState;
  /** Seq of the last committed update. */
  private seq = 0;
  /** Slot (0/1) holding the latest checkpoint; the next checkpoint goes to the other. */
  private activeSlot = 0;
  /** Where the next log record goes. */
  private logTail = 0;
  /** The rows of the log records after the checkpoint: in place at the next checkpoint, patched into reads. */
  private overlay: RowOverlay | undefined;

  private constructor(
    readonly path: string,
    private fd: number,
    private readonly readOnly: boolean,
    /** The checked definition. */
    readonly definition: ResolvedDefinition,
    private readonly layout: Layout,
    disk: DiskState,
    opts: OpenOptions,
  ) {
    this.adopt(disk);
    this.clock = opts.clock ?? systemClock;
    this.logLimit = opts.logLimitBytes ?? DEFAULT_LOG_LIMIT;
    this.hook = opts.writeHook;
    this.tools = updateTools(definition);
  }

  /**
   * Create a file (and hold its writer lock); an existing file is an error (PB_ERR_RRD_INVALID)
   * unless `overwrite`, and one another writer holds is PB_ERR_RRD_LOCKED.
   */
  static create(path: string, def: RrdDefinition, opts: CreateOptions = {}): Promise<RrdFile> {
    try {
      const clock = opts.clock ?? systemClock;
      const resolved = resolveDefinition(def, path);
      const start = def.start === undefined ? Math.floor(clock.now() / 1000) - 10 : def.start;
      if (typeof start !== 'number' || !Number.isInteger(start) || start < 0) {
        throw new InputError('PB_ERR_RRD_INVALID', `start must be a whole epoch second ≥ 0; got ${String(start)}`, {
          location: { file: path, keyPath: 'start' },
        });
      }
      return Promise.resolve(RrdFile.write(path, resolved, initialState(resolved, start), undefined, opts));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** @internal Write a complete file atomically under its writer lock (see `writeNewFile`) and open it. */
  static write(path: string, def: ResolvedDefinition, st: RrdState, rows: ((rra: number) => Float64Array) | undefined, opts: CreateOptions): RrdFile {
    const given = givenLock(path, opts);
    const lock = given ?? lockRrdFile(path);
    try {
      writeNewFile(path, def, st, rows, opts.overwrite === true);
      return RrdFile.openSync(path, opts, given ? undefined : lock);
    } catch (e) {
      if (!given) lock.release();
      throw e;
    }
  }

  /**
   * Open a file. `lock: true` takes the writer lock now (PB_ERR_RRD_LOCKED when another writer
   * holds it); a lock from `lockRrdFile(path)` is used (and stays the caller's); otherwise the
   * first `update()` takes it.
   */
  static open(path: string, opts: OpenOptions = {}): Promise<RrdFile> {
    try {
      return Promise.resolve(RrdFile.openSync(path, opts));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** `owned`: a lock taken for this handle by the caller (create), released at close. */
  private static openSync(path: string, opts: OpenOptions, owned?: RrdLock): RrdFile {
    const given = givenLock(path, opts);
    const taken = owned ?? (opts.lock === true ? lockRrdFile(path) : undefined);
    let fd = -1;
    try {
      let readOnly = false;
      try {
        // A reader (opts.readOnly) never opens for writing: files written by another process stay theirs.
        fd = openSync(path, opts.readOnly === true ? 'r' : 'r+');
        readOnly = opts.readOnly === true;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') throw new InputError('PB_ERR_FILE_NOT_FOUND', `${path}: no such file`, { location: { file: path }, cause: e });
        if (code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS') throw ioError(path, 'cannot open', e);
        // Not writable by us: still readable (fetch, info, dump); updates fail with PB_ERR_RRD_IO.
        fd = openSync(path, 'r');
        readOnly = true;
      }
      const { def, layout, prefix } = readHeader(fd, path);
      const file = new RrdFile(path, fd, readOnly, def, layout, readDiskState(fd, path, def, layout, prefix), opts);
      const lock = taken ?? given;
      if (lock) file.takeOver(lock, lock === taken, true);
      return file;
    } catch (e) {
      if (fd >= 0) closeSync(fd);
      taken?.release();
      throw isProcblockError(e) ? e : ioError(path, 'cannot open', e);
    }
  }

  private adopt(d: DiskState): void {
    this.state = d.state;
    this.seq = d.seq;
    this.activeSlot = d.activeSlot;
    this.logTail = d.logTail;
    this.overlay = d.overlay;
  }

  /** Become the writer with `lock`: checkpoint a log left by an earlier writer, so ours starts empty. */
  private takeOver(lock: RrdLock, owned: boolean, fresh = false): void {
    if (this.readOnly) throw new RuntimeFailure('PB_ERR_RRD_IO', `${this.path}: opened read-only (no write permission)`, { location: { file: this.path } });
    this.lock = lock;
    this.ownsLock = owned;
    // The state read at open is current when the lock was held before it.
    if (!fresh) this.adopt(readDiskState(this.fd, this.path, this.definition, this.layout));
    if (this.overlay && this.overlay.size > 0) this.checkpoint();
  }

  private isWriter(): boolean {
    return this.lock?.held === true;
  }

  /** Readers follow the file: re-read the state (the rows are read when needed anyway). */
  private refresh(): void {
    if (!this.isWriter()) this.adopt(readDiskState(this.fd, this.path, this.definition, this.layout));
  }

  /**
   * Run a read of rows so that state and rows belong together: a reader re-reads the state after
   * the rows, and reads again if a writer committed meanwhile.
   */
  private consistent<T>(read: () => T, readsRows = true): T {
    this.checkOpen();
    try {
      if (this.isWriter()) return read();
      if (!readsRows) {
        this.refresh();
        return read();
      }
      for (let attempt = 0; ; attempt++) {
        this.refresh();
        const seq = this.seq;
        const out = read();
        if (attempt >= 2 || readDiskState(this.fd, this.path, this.definition, this.layout).seq === seq) return out;
      }
    } catch (e) {
      throw isProcblockError(e) ? e : ioError(this.path, 'read failed', e);
    }
  }

  private readAged = (rra: number, fromAge: number, count: number): Float64Array => {
    const r = this.definition.rra[rra]!;
    return readAgedRows(this.fd, this.layout, this.definition.ds.length, rra, r.rows, this.state.curRow[rra]!, this.overlay, fromAge, count);
  };

  /** The log's rows in place, then the state into the other slot, then restart the log. */
  private checkpoint(): void {
    const nd = this.definition.ds.length;
    if (this.overlay) for (const [rra, row, values] of this.overlay.runs()) writeRingRows(this.fd, this.layout, nd, rra, row, values, 0, values.length / nd);
    this.hook?.('rows');
    const slot = 1 - this.activeSlot;
    const b = scratchOf(this.layout.slotLen).subarray(0, this.layout.slotLen);
    encodeState(this.definition, this.state, this.seq, b, 0, this.layout.slotLen);
    writeAll(this.fd, b, this.layout.slotOffset[slot]!);
    this.hook?.('slot');
    this.activeSlot = slot;
    this.logTail = this.layout.journalOffset;
    this.overlay?.clear();
  }

  private checkOpen(): void {
    if (this.closed) throw new RuntimeFailure('PB_ERR_CLOSED', `${this.path}: file is closed`, { location: { file: this.path } });
  }

  /**
   * Apply samples in order. All-or-nothing: a bad value or a time not strictly after the
   * previous one (PB_ERR_RRD_UPDATE) rejects the whole call and changes nothing. The first
   * update of a handle takes the writer lock (PB_ERR_RRD_LOCKED when another writer has it).
   */
  update(samples: RrdSample | RrdSample[]): Promise<void> {
    try {
      this.updateSync(Array.isArray(samples) ? samples : [samples]);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  private updateSync(samples: readonly RrdSample[]): void {
    this.checkOpen();
    if (samples.length === 0) return;
    if (!this.isWriter()) {
      const lock = lockRrdFile(this.path);
      try {
        this.takeOver(lock, true);
      } catch (e) {
        this.lock = undefined;
        lock.release();
        throw isProcblockError(e) ? e : ioError(this.path, 'cannot take over the file', e);
      }
    }
    const def = this.definition;
    // Parse and check everything before touching the state.
    const { engine, names, written } = this.tools;
    const { secs, usecs, vals } = parseSamples(def, names, samples, this.state, this.clock, this.path);
    const nd = def.ds.length;
    written.reset();
    for (let i = 0; i < samples.length; i++) engine.apply(this.state, secs[i]!, usecs[i]!, vals, i * nd, written);
    const { bytes, record } = encodeRecord(def, this.layout, this.state, this.seq + 1, written.segments(this.state.curRow), written, scratchOf(0));
    try {
      // The commit point, and the update's only write: once this record is complete, it survives a crash.
      writeAll(this.fd, bytes, this.logTail);
      this.hook?.('record');
      const overlay = (this.overlay ??= new RowOverlay(nd));
      for (const { seg, offset } of record.segments) overlay.set(seg.rra, seg.startRow, seg.rowCount, bytes, offset);
      this.seq++;
      this.logTail += record.length;
      if (this.logTail - this.layout.journalOffset > this.logLimit) this.checkpoint();
    } catch (e) {
      // Memory is ahead of the file now: take the state back from the file.
      try {
        this.adopt(readDiskState(this.fd, this.path, def, this.layout));
        this.takeOver(this.lock!, this.ownsLock);
      } catch {
        /* the file is unusable; later calls fail the same way */
      }
      throw ioError(this.path, 'write failed', e);
    }
  }

  fetch(opts: FetchOptions): FetchResult {
    return this.consistent(() => fetchRows(this.definition, this.state, opts, this.path, this.readAged));
  }

  /** @internal The state and every archive's rows by age (oldest first), read together. */
  snapshot(): { state: RrdState; archives: Float64Array[] } {
    return this.consistent(() => ({ state: this.state, archives: this.definition.rra.map((r, i) => this.readAged(i, 0, r.rows)) }));
  }

  /** Whole epoch second of the last update (rrdtool `last`). */
  lastUpdate(): number {
    return this.consistent(() => this.state.lastUp, false);
  }

  /** Time of the oldest row of archive `rraIndex` (rrdtool `first --rraindex`). */
  first(rraIndex: number): number {
    const lastUp = this.lastUpdate();
    const r = this.definition.rra[rraIndex];
    if (!r || !Number.isInteger(rraIndex)) {
      throw new InputError('PB_ERR_INVALID_ARGUMENT', `no archive ${rraIndex} (the file has ${this.definition.rra.length})`, {
        location: { file: this.path, keyPath: 'rraIndex' },
      });
    }
    const span = r.steps * this.definition.step;
    return lastUp - (lastUp % span) - (r.rows - 1) * span;
  }

  info(): RrdInfo {
    return this.consistent(() => describe(this.path, this.definition, this.state, this.layout.headerLen), false);
  }

  /** Checkpoint when this handle wrote, close, give back a lock it took. Idempotent. */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      try {
        if (this.isWriter() && this.logTail > this.layout.journalOffset) this.checkpoint();
      } catch (e) {
        return Promise.reject(ioError(this.path, 'checkpoint at close failed', e));
      } finally {
        closeSync(this.fd);
        this.fd = -1;
        if (this.ownsLock) this.lock?.release();
      }
    }
    return Promise.resolve();
  }
}

