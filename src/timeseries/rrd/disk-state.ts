/**
 * Reading a file's current state with a few positioned reads: the header, the two checkpoint
 * slots (the valid one with the higher seq wins), then the log records that follow it — complete,
 * checksummed, with seqs running checkpoint + 1, + 2, … (a stale or torn record ends the log).
 * Rows are not read here; the log's rows are kept as an overlay (`row-overlay.ts`).
 * Nothing is written, so readers never change a file.
 */
import { InputError } from '../../core/errors.js';
import { decodeHeader, decodeState, layoutOf, MAGIC, slotSeq, type Layout } from './binary-format.js';
import type { ResolvedDefinition } from './definition.js';
import { readAt } from './file-io.js';
import { decodeRecord, RECORD_HEAD, recordHead } from './log-record.js';
import { RowOverlay } from './row-overlay.js';
import { blankState, type RrdState } from './state.js';

/** Bytes read at open before the header says how long it is: enough for most files' header and slots. */
const PREFIX = 4096;
/** Log bytes read at a time once a record is found. */
const LOG_CHUNK = 65536;

export interface DiskState {
  readonly state: RrdState;
  /** Seq of the last committed update. */
  readonly seq: number;
  /** Slot (0/1) holding the checkpoint. */
  readonly activeSlot: number;
  /** Where the next log record goes. */
  readonly logTail: number;
  /** Rows named by the log records after the checkpoint; undefined when the log is empty. */
  readonly overlay: RowOverlay | undefined;
}

function formatError(path: string, what: string): InputError {
  return new InputError('PB_ERR_RRD_FORMAT', `${path}: ${what}`, { location: { file: path } });
}

/** Open reads its first bytes here (synchronously used, never kept). */
const prefixScratch = Buffer.allocUnsafeSlow(PREFIX);

/** Decoded headers by their bytes: reopening a file skips validating its definition again. */
const headerCache = new Map<string, { def: ResolvedDefinition; layout: Layout }>();

/** The header of the open file `fd`, plus the bytes read from offset 0 (they cover both slots). */
export function readHeader(fd: number, path: string): { def: ResolvedDefinition; layout: Layout; prefix: Buffer } {
  let prefix = readAt(fd, 0, PREFIX, prefixScratch);
  const headerLen = prefix.length >= 16 && prefix.subarray(0, 8).equals(MAGIC) ? prefix.readUInt32LE(12) : 0;
  if (headerLen > prefix.length && headerLen < 1 << 24) prefix = readAt(fd, 0, headerLen);
  const key = headerLen > 0 && headerLen <= prefix.length ? prefix.toString('latin1', 0, headerLen) : undefined;
  let known = key === undefined ? undefined : headerCache.get(key);
  if (!known) {
    const def = decodeHeader(prefix, path);
    known = { def, layout: layoutOf(def) };
    if (key !== undefined) {
      if (headerCache.size >= 64) headerCache.delete(headerCache.keys().next().value as string);
      headerCache.set(key, known);
    }
  }
  const slotsEnd = known.layout.slotOffset[1] + known.layout.slotLen;
  if (prefix.length < slotsEnd) prefix = readAt(fd, 0, slotsEnd);
  return { ...known, prefix };
}

/** The checkpoint plus the log, from the file `fd` (whose first bytes are `prefix`, when already read). */
export function readDiskState(fd: number, path: string, def: ResolvedDefinition, layout: Layout, prefix?: Buffer): DiskState {
  const slotsEnd = layout.slotOffset[1] + layout.slotLen;
  const b = prefix && prefix.length >= slotsEnd ? prefix : readAt(fd, 0, slotsEnd);
  const seqA = slotSeq(b, layout.slotOffset[0], layout.slotLen);
  const seqB = slotSeq(b, layout.slotOffset[1], layout.slotLen);
  const activeSlot = seqA > seqB ? 0 : 1;
  let seq = Math.max(seqA, seqB);
  if (seq < 0) throw formatError(path, 'no valid state slot (corrupt file)');
  const state = blankState(def);
  decodeState(def, b, layout.slotOffset[activeSlot]!, layout.slotLen, state);

  // The last 8 bytes of the rows and the first record head in one read: a shorter file is truncated.
  const head = readAt(fd, layout.journalOffset - 8, 8 + RECORD_HEAD);
  if (head.length < 8) throw formatError(path, `truncated (shorter than the ${layout.journalOffset} bytes its header describes)`);
  let overlay: RowOverlay | undefined;
  let p = layout.journalOffset;
  let chunk = head.subarray(8);
  let chunkAt = p;
  for (;;) {
    let h = recordHead(chunk, p - chunkAt, layout);
    if (!h || h.seq !== seq + 1) break;
    if (p + h.length > chunkAt + chunk.length) {
      chunk = readAt(fd, p, Math.max(LOG_CHUNK, h.length + RECORD_HEAD));
      chunkAt = p;
      h = recordHead(chunk, 0, layout);
      if (!h || h.length > chunk.length) break;
    }
    const bytes = chunk.subarray(p - chunkAt, p - chunkAt + h.length);
    const rec = decodeRecord(def, layout, bytes);
    if (!rec) break;
    decodeState(def, bytes, rec.stateOffset, layout.slotLen, state);
    overlay ??= new RowOverlay(def.ds.length);
    for (const { seg, offset } of rec.segments) overlay.set(seg.rra, seg.startRow, seg.rowCount, bytes, offset);
    seq = rec.seq;
    p += rec.length;
  }
  return { state, seq, activeSlot, logTail: p, overlay };
}
