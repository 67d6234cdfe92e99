/**
 * Log records (docs/rrd-format.md, "Log record"): one per `update()` call, the commit point of
 * that update. A record holds the state after the update and the values of every row it wrote.
 *
 *   u32 magic "PBJR", u32 length, f64 seq | state slot image | u32 segment count, u32 pad |
 *   per segment: u32 archive, u32 first row, u32 row count, u32 pad, row count × dsCount f64 |
 *   u32 CRC-32 of everything before it, u32 pad
 */
import { crc32 } from '../../core/crc32.js';
import { encodeState, type Layout } from './binary-format.js';
import type { ResolvedDefinition } from './definition.js';
import type { RrdState } from './state.js';
import type { Segment, WrittenRows } from './written-rows.js';

const MAGIC = 0x524a4250; // "PBJR"
/** Bytes before the state image: magic, length, seq. */
export const RECORD_HEAD = 16;

/** A record in a buffer: where its state image and each segment's row values are. */
export interface LogRecord {
  readonly seq: number;
  /** Bytes of the whole record. */
  readonly length: number;
  readonly stateOffset: number;
  readonly segments: readonly { readonly seg: Segment; readonly offset: number }[];
}

/** Where records and slot images are encoded before their write (synchronous use, shared by every file). */
let scratch = Buffer.allocUnsafeSlow(16384);
export function scratchOf(len: number): Buffer {
  if (scratch.length < len) scratch = Buffer.allocUnsafeSlow(len);
  return scratch;
}

/** Smallest possible record: head, state, segment count, CRC. */
export function minRecordLength(layout: Layout): number {
  return RECORD_HEAD + layout.slotLen + 16;
}

/**
 * Encode the record of update `seq` into `scratch` when it fits (else a new buffer): the state
 * `st` and the rows in `rows` at `segs`. Returns the bytes and where each segment's values are.
 */
export function encodeRecord(
  def: ResolvedDefinition,
  layout: Layout,
  st: RrdState,
  seq: number,
  segs: readonly Segment[],
  rows: WrittenRows,
  scratch: Buffer,
): { bytes: Buffer; record: LogRecord } {
  const nd = def.ds.length;
  let len = minRecordLength(layout);
  for (const s of segs) len += 16 + s.rowCount * nd * 8;
  const b = len <= scratch.length ? scratch.subarray(0, len) : Buffer.allocUnsafe(len);
  b.writeUInt32LE(MAGIC, 0);
  b.writeUInt32LE(len, 4);
  b.writeDoubleLE(seq, 8);
  encodeState(def, st, seq, b, RECORD_HEAD, layout.slotLen);
  let p = RECORD_HEAD + layout.slotLen;
  b.writeUInt32LE(segs.length, p);
  b.writeUInt32LE(0, p + 4);
  p += 8;
  const segments: { seg: Segment; offset: number }[] = [];
  // k-th kept row of each archive, across its 1–2 segments
  let lastRra = -1;
  let k = 0;
  for (const s of segs) {
    if (s.rra !== lastRra) {
      lastRra = s.rra;
      k = 0;
    }
    b.writeUInt32LE(s.rra, p);
    b.writeUInt32LE(s.startRow, p + 4);
    b.writeUInt32LE(s.rowCount, p + 8);
    b.writeUInt32LE(0, p + 12);
    p += 16;
    segments.push({ seg: s, offset: p });
    for (let j = 0; j < s.rowCount; j++, k++) {
      const { buf, at } = rows.rowAt(s.rra, k);
      for (let i = 0; i < nd; i++, p += 8) b.writeDoubleLE(buf[at + i]!, p);
    }
  }
  b.writeUInt32LE(crc32(b.subarray(0, p)), p);
  b.writeUInt32LE(0, p + 4);
  return { bytes: b, record: { seq, length: len, stateOffset: RECORD_HEAD, segments } };
}

/** Length and seq from a record's first 16 bytes, or undefined when they are not a record's. */
export function recordHead(b: Buffer, o: number, layout: Layout): { length: number; seq: number } | undefined {
  if (o + RECORD_HEAD > b.length || b.readUInt32LE(o) !== MAGIC) return undefined;
  const length = b.readUInt32LE(o + 4);
  if (length < minRecordLength(layout) || length % 8 !== 0) return undefined;
  return { length, seq: b.readDoubleLE(o + 8) };
}

/** The whole record `b` (exactly its bytes), or undefined when torn or corrupt. */
export function decodeRecord(def: ResolvedDefinition, layout: Layout, b: Buffer): LogRecord | undefined {
  const head = recordHead(b, 0, layout);
  if (!head || head.length !== b.length) return undefined;
  const len = head.length;
  if (b.readUInt32LE(len - 8) !== crc32(b.subarray(0, len - 8))) return undefined;
  const nd = def.ds.length;
  let p = RECORD_HEAD + layout.slotLen;
  const n = b.readUInt32LE(p);
  p += 8;
  const segments: { seg: Segment; offset: number }[] = [];
  for (let i = 0; i < n; i++) {
    if (p + 16 > len - 8) return undefined;
    const seg = { rra: b.readUInt32LE(p), startRow: b.readUInt32LE(p + 4), rowCount: b.readUInt32LE(p + 8) };
    const r = def.rra[seg.rra];
    if (!r || seg.startRow + seg.rowCount > r.rows || p + 16 + seg.rowCount * nd * 8 > len - 8) return undefined;
    segments.push({ seg, offset: p + 16 });
    p += 16 + seg.rowCount * nd * 8;
  }
  return { seq: head.seq, length: len, stateOffset: RECORD_HEAD, segments };
}
