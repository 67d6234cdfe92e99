import { InputError } from '../../../core/errors.js';
import type { UnidistOp } from '../ops.js';
import { crc32 } from '../../../core/crc32.js';

/**
 * Journal file format (`journal-<generation>.log`):
 *
 *   magic    "PBUJ0001"                      8 bytes, once at the start
 *   record*  [length u32 LE][crc32 u32 LE][payload: `length` bytes of UTF-8 JSON of one UnidistOp]
 *
 * Records are only ever appended. A process killed mid-write leaves a torn tail: a short header,
 * a short payload, or a checksum mismatch. Reading stops at the first such record and reports
 * the byte offset where the valid prefix ends, so the writer can cut the file there.
 */
export const JOURNAL_MAGIC = Buffer.from('PBUJ0001', 'latin1');
const HEADER = 8;
/** Larger records are treated as corruption (a torn length field can read as anything). */
const MAX_RECORD = 256 * 1024 * 1024;

export function encodeRecord(op: UnidistOp): Buffer {
  let json: string;
  try {
    json = JSON.stringify(op);
  } catch (e) {
    throw new InputError('PB_ERR_INVALID_ARGUMENT', `a unidist value cannot be persisted as JSON: ${(e as Error).message}`, { cause: e });
  }
  const payloadLength = Buffer.byteLength(json);
  const buf = Buffer.allocUnsafe(HEADER + payloadLength);
  buf.write(json, HEADER, 'utf8');
  buf.writeUInt32LE(payloadLength, 0);
  buf.writeUInt32LE(crc32(buf.subarray(HEADER)), 4);
  return buf;
}

export interface DecodedJournal {
  readonly ops: UnidistOp[];
  /** Bytes of the valid prefix (magic + whole records). */
  readonly validLength: number;
  /** True when bytes after the valid prefix were ignored. */
  readonly torn: boolean;
}

/** Decode a journal file's bytes. A file without the magic is rejected by the caller (see `hasMagic`). */
export function decodeJournal(buf: Buffer): DecodedJournal {
  const ops: UnidistOp[] = [];
  let off = JOURNAL_MAGIC.length;
  while (off + HEADER <= buf.length) {
    const len = buf.readUInt32LE(off);
    const sum = buf.readUInt32LE(off + 4);
    const end = off + HEADER + len;
    if (len > MAX_RECORD || end > buf.length) break;
    const payload = buf.subarray(off + HEADER, end);
    if (crc32(payload) !== sum) break;
    let op: UnidistOp;
    try {
      op = JSON.parse(payload.toString('utf8')) as UnidistOp;
    } catch {
      break;
    }
    ops.push(op);
    off = end;
  }
  return { ops, validLength: off, torn: off !== buf.length };
}

export function hasMagic(buf: Buffer): boolean {
  return buf.length >= JOURNAL_MAGIC.length && buf.subarray(0, JOURNAL_MAGIC.length).equals(JOURNAL_MAGIC);
}
