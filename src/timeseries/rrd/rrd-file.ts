/**
 * An open round-robin file: the whole file lives in memory (fetch is a memory read); each
 * update is ONE positional write, crash-safely (see docs/rrd-format.md, "Crash safety"):
 *   - an update appends a checksummed log record (new state + the rows it changed) after the rows;
 *   - now and then (log over `logLimitBytes`, and at close) a checkpoint writes the changed rows in
 *     place and the state into the older of two checksummed slots, then restarts the log;
 *   - opening takes the newer valid slot and replays the log records that follow it, in memory.
 * One writer per file; readers never write and see a snapshot taken at open.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { systemClock, type Clock } from '../../core/clock.js';
import { InputError, RuntimeFailure } from '../../core/errors.js';
import { decodeHeader, decodeJournal, decodeState, encodeJournal, encodeState, f64Bytes, layoutOf, readF64, slotSeq, type Layout, type Segment } from './binary-format.js';
import { resolveDefinition, type ResolvedDefinition } from './definition.js';
import { fetchRows } from './fetch-engine.js';
import { ioError, writeAll, writeNewFile } from './file-io.js';
import { describe } from './rrd-info.js';
import { rrdStrtod } from './rrd-strtod.js';
import { sampleValues, type EngineValues } from './sample-values.js';
import { initialState, type RrdState } from './state.js';
import type { CreateOptions, FetchOptions, FetchResult, OpenOptions, RrdDefinition, RrdInfo, RrdSample } from './types.js';
import { UpdateEngine } from './update-engine.js';

/** Log size that triggers a checkpoint. */
const DEFAULT_LOG_LIMIT = 1024 * 1024;

export class RrdFile {
  private closed = false;
  private readonly engine: UpdateEngine;
  private readonly slotBuf: Buffer;
  private readonly names: ReadonlySet<string>;
  /** Rows written per archive since the last checkpoint (capped at the ring size). */
  private readonly dirty: number[];
  private readonly logLimit: number;
  /** Whether this handle appended to the log (only writers checkpoint at close). */
  private wrote = false;
  private readOnly = false;

  private constructor(
    readonly path: string,
    private fd: number,
    /** The checked definition. */
    readonly definition: ResolvedDefinition,
    private readonly layout: Layout,
    /** @internal */ readonly state: RrdState,
    /** Seq of the last committed update. */
    private seq: number,
    /** Slot (0/1) holding the latest checkpoint; the next checkpoint goes to the other. */
    private activeSlot: number,
    /** Where the next log record goes. */
    private logTail: number,
    private readonly clock: Clock,
    logLimit: number | undefined,
  ) {
    this.dirty = definition.rra.map(() => 0);
    this.logLimit = logLimit ?? DEFAULT_LOG_LIMIT;
    this.engine = new UpdateEngine(definition);
    this.slotBuf = Buffer.alloc(layout.slotLen);
    this.names = new Set(definition.ds.map((d) => d.name));
  }

  /** Create a file; an existing file is an error (PB_ERR_RRD_INVALID) unless `overwrite`. */
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
      return Promise.resolve(RrdFile.write(path, resolved, initialState(resolved, start), opts));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** @internal Write a complete file atomically (see `writeNewFile`) and open it. */
  static write(path: string, def: ResolvedDefinition, st: RrdState, opts: CreateOptions): RrdFile {
    writeNewFile(path, def, st, opts.overwrite === true);
    return RrdFile.openSync(path, { clock: opts.clock, logLimitBytes: opts.logLimitBytes });
  }

  static open(path: string, opts: OpenOptions = {}): Promise<RrdFile> {
    try {
      return Promise.resolve(RrdFile.openSync(path, opts));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  private static openSync(path: string, opts: OpenOptions): RrdFile {
    let fd: number;
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
      try {
        fd = openSync(path, 'r');
        readOnly = true;
      } catch (e2) {
        throw ioError(path, 'cannot open', e2);
      }
    }
    try {
      const size = fstatSync(fd).size;
      const b = Buffer.allocUnsafe(size);
      let got = 0;
      while (got < size) {
        const n = readSync(fd, b, got, size - got, got);
        if (n === 0) break;
        got += n;
      }
      const def = decodeHeader(b.subarray(0, got), path);
      const layout = layoutOf(def);
      if (got < layout.journalOffset) {
        throw new InputError('PB_ERR_RRD_FORMAT', `${path}: truncated (${got} bytes, need ${layout.journalOffset})`, { location: { file: path } });
      }
      const seqA = slotSeq(b, layout.slotOffset[0], layout.slotLen);
      const seqB = slotSeq(b, layout.slotOffset[1], layout.slotLen);
      const active = seqA > seqB ? 0 : 1;
      const seq = Math.max(seqA, seqB);
      if (seq < 0) throw new InputError('PB_ERR_RRD_FORMAT', `${path}: no valid state slot (corrupt file)`, { location: { file: path } });
      const st = initialState(def, 0);
      decodeState(def, b, layout.slotOffset[active]!, layout.slotLen, st);
      def.rra.forEach((r, i) => readF64(b, layout.rraOffset[i]!, st.data[i]!, 0, r.rows * def.ds.length));
      const file = new RrdFile(path, fd, def, layout, st, seq, active, layout.journalOffset, opts.clock ?? systemClock, opts.logLimitBytes);
      file.readOnly = readOnly;
      file.replayLog(b.subarray(0, got));
      return file;
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  /**
   * Apply, in memory, the log records that follow the checkpoint: consecutive seqs starting at
   * checkpoint + 1, each complete and checksummed. A torn or stale record ends the log. Nothing
   * is written here, so readers never modify the file.
   */
  private replayLog(b: Buffer): void {
    const nd = this.definition.ds.length;
    let p = this.layout.journalOffset;
    for (;;) {
      const j = decodeJournal(this.definition, this.layout, b, p);
      if (!j || j.seq !== this.seq + 1) break;
      decodeState(this.definition, b, j.stateOffset, this.layout.slotLen, this.state);
      for (const { seg, offset } of j.segments) {
        readF64(b, offset, this.state.data[seg.rra]!, seg.startRow * nd, seg.rowCount * nd);
        this.dirty[seg.rra] = Math.min(this.definition.rra[seg.rra]!.rows, this.dirty[seg.rra]! + seg.rowCount);
      }
      this.seq = j.seq;
      p += j.length;
      this.logTail = p;
    }
  }

  /** Rows of each archive written since the last checkpoint, as 1–2 contiguous runs per archive. */
  private dirtySegments(counts: readonly number[]): Segment[] {
    const segs: Segment[] = [];
    this.definition.rra.forEach((r, i) => {
      const n = Math.min(counts[i]!, r.rows);
      if (n === 0) return;
      const first = (this.state.curRow[i]! - n + 1 + r.rows) % r.rows;
      if (first + n <= r.rows) segs.push({ rra: i, startRow: first, rowCount: n });
      else {
        segs.push({ rra: i, startRow: first, rowCount: r.rows - first });
        segs.push({ rra: i, startRow: 0, rowCount: n - (r.rows - first) });
      }
    });
    return segs;
  }

  /**
   * Called after every update, so this call site always has type feedback (a rarely taken
   * `this.checkpoint()` inside updateSync made V8 deoptimize it at each checkpoint).
   */
  private checkpointIfDue(): void {
    if (this.logTail - this.layout.journalOffset > this.logLimit) this.checkpoint();
  }

  /** Rows in place, then the state into the other slot, then restart the log. */
  private checkpoint(): void {
    this.persistRows(this.dirtySegments(this.dirty));
    const slot = 1 - this.activeSlot;
    encodeState(this.definition, this.state, this.seq, this.slotBuf, 0, this.layout.slotLen);
    writeAll(this.fd, this.slotBuf, this.layout.slotOffset[slot]!);
    this.activeSlot = slot;
    this.dirty.fill(0);
    this.logTail = this.layout.journalOffset;
  }

  private persistRows(segs: readonly Segment[]): void {
    const nd = this.definition.ds.length;
    for (const s of segs) {
      const bytes = f64Bytes(this.state.data[s.rra]!, s.startRow * nd, (s.startRow + s.rowCount) * nd);
      writeAll(this.fd, bytes, this.layout.rraOffset[s.rra]! + s.startRow * nd * 8);
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new RuntimeFailure('PB_ERR_CLOSED', `${this.path}: file is closed`, { location: { file: this.path } });
  }

  /**
   * Apply samples in order. All-or-nothing: a bad value or a time not strictly after the
   * previous one (PB_ERR_RRD_UPDATE) rejects the whole call and changes nothing.
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
    const def = this.definition;
    // Parse and check everything before touching the state.
    let lastSec = this.state.lastUp;
    let lastUsec = this.state.lastUpUsec;
    const n = samples.length;
    if (n === 0) return;
    if (this.readOnly) throw new RuntimeFailure('PB_ERR_RRD_IO', `${this.path}: opened read-only (no write permission)`, { location: { file: this.path } });
    const nd = def.ds.length;
    const secs = new Float64Array(n);
    const usecs = new Float64Array(n);
    const vals: EngineValues = { nums: new Float64Array(n * nd), strs: undefined };
    for (let i = 0; i < n; i++) {
      const s = samples[i]!;
      // Times go through rrdtool's own parser, as `rrdtool update <time>:…` would (see rrd-strtod.ts);
      // whole seconds parse exactly, so they skip it.
      const nowMs = s.time === 'now' ? this.clock.now() : NaN;
      const t =
        s.time === 'now' ? nowMs / 1000 : typeof s.time !== 'number' ? NaN : Number.isInteger(s.time) ? s.time : rrdStrtod(String(s.time));
      if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
        throw new InputError('PB_ERR_RRD_UPDATE', `time must be epoch seconds or 'now'; got ${String(s.time)}`, {
          location: { file: this.path, keyPath: `samples[${i}].time` },
        });
      }
      // rrdtool: sec = floor(t), usec = (long)((t - sec) * 1e6); 'now' splits the clock's
      // milliseconds directly, as rrdtool splits gettimeofday().
      let sec = Math.floor(t);
      let usec = s.time === 'now' ? Math.floor((nowMs - sec * 1000) * 1000) : Math.trunc((t - sec) * 1e6);
      if (usec < 0) {
        // nowMs / 1000 rounded up to the next whole second
        sec -= 1;
        usec += 1e6;
      }
      if (sec < lastSec || (sec === lastSec && usec <= lastUsec)) {
        throw new InputError(
          'PB_ERR_RRD_UPDATE',
          `illegal attempt to update using time ${t} when last update time is ${lastSec + lastUsec / 1e6} (time must increase)`,
          { location: { file: this.path, keyPath: `samples[${i}].time` } },
        );
      }
      lastSec = sec;
      lastUsec = usec;
      secs[i] = sec;
      usecs[i] = usec;
      sampleValues(def, this.names, s.values ?? {}, this.path, i, vals, i * nd);
    }
    const written: number[] = def.rra.map(() => 0);
    // Everything was checked above; the engine itself does not fail.
    for (let i = 0; i < n; i++) this.engine.apply(this.state, secs[i]!, usecs[i]!, vals, i * nd, written);
    const record = encodeJournal(def, this.layout, this.state, this.seq + 1, this.dirtySegments(written));
    try {
      // The commit point: once this record is complete, the update survives a crash.
      writeAll(this.fd, record, this.logTail);
      this.seq++;
      this.wrote = true;
      this.logTail += record.length;
      for (let r = 0; r < written.length; r++) this.dirty[r] = Math.min(def.rra[r]!.rows, this.dirty[r]! + written[r]!);
      this.checkpointIfDue();
    } catch (e) {
      throw ioError(this.path, 'write failed', e);
    }
  }

  fetch(opts: FetchOptions): FetchResult {
    this.checkOpen();
    return fetchRows(this.definition, this.state, opts, this.path);
  }

  /** Whole epoch second of the last update (rrdtool `last`). */
  lastUpdate(): number {
    this.checkOpen();
    return this.state.lastUp;
  }

  /** Time of the oldest row of archive `rraIndex` (rrdtool `first --rraindex`). */
  first(rraIndex: number): number {
    this.checkOpen();
    const r = this.definition.rra[rraIndex];
    if (!r || !Number.isInteger(rraIndex)) {
      throw new InputError('PB_ERR_INVALID_ARGUMENT', `no archive ${rraIndex} (the file has ${this.definition.rra.length})`, {
        location: { file: this.path, keyPath: 'rraIndex' },
      });
    }
    const span = r.steps * this.definition.step;
    return this.state.lastUp - (this.state.lastUp % span) - (r.rows - 1) * span;
  }

  info(): RrdInfo {
    this.checkOpen();
    return describe(this.path, this.definition, this.state, this.layout.headerLen);
  }

  /** Idempotent. */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      try {
        if (this.wrote && this.logTail > this.layout.journalOffset) this.checkpoint();
      } catch (e) {
        return Promise.reject(ioError(this.path, 'checkpoint at close failed', e));
      } finally {
        closeSync(this.fd);
        this.fd = -1;
      }
    }
    return Promise.resolve();
  }
}
