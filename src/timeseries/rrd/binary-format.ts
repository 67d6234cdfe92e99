/**
 * procblock's RRD file format, version 1 (documented in docs/rrd-format.md). Little-endian.
 *
 *   header (immutable, CRC-checked) | state slot A | state slot B | archive rows | log
 *
 * This module encodes and decodes the header and state slots (log records: `log-record.ts`);
 * `rrd-file.ts` decides what is written when.
 */
import { crc32 } from '../../core/crc32.js';
import { InputError } from '../../core/errors.js';
import { CFS, DS_TYPES, resolveDefinition, type ResolvedDefinition } from './definition.js';
import { lastDsText, type RrdState } from './state.js';

export const MAGIC = Buffer.from('PBRRD\0\r\n', 'latin1');
export const FORMAT_VERSION = 1;
const STATE_MAGIC = 0x54534250; // "PBST"
const DS_ENTRY = 48;
const RRA_ENTRY = 24;
const DS_STATE = 48;
const CDP_STATE = 32;

export interface Layout {
  readonly headerLen: number;
  readonly slotLen: number;
  readonly slotOffset: readonly [number, number];
  /** Byte offset of each archive's rows. */
  readonly rraOffset: readonly number[];
  readonly journalOffset: number;
}

const pad8 = (n: number): number => (n + 7) & ~7;

export function layoutOf(def: ResolvedDefinition): Layout {
  const nd = def.ds.length;
  const nr = def.rra.length;
  const headerLen = pad8(32 + DS_ENTRY * nd + RRA_ENTRY * nr + 4);
  const slotLen = pad8(32 + DS_STATE * nd + CDP_STATE * nd * nr + 4 * nr) + 8;
  let off = headerLen + 2 * slotLen;
  const rraOffset = def.rra.map((r) => {
    const o = off;
    off += r.rows * nd * 8;
    return o;
  });
  return { headerLen, slotLen, slotOffset: [headerLen, headerLen + slotLen], rraOffset, journalOffset: off };
}

function formatError(path: string, what: string): InputError {
  return new InputError('PB_ERR_RRD_FORMAT', `${path}: ${what}`, { location: { file: path } });
}

export function encodeHeader(def: ResolvedDefinition, layout: Layout): Buffer {
  const b = Buffer.alloc(layout.headerLen);
  MAGIC.copy(b, 0);
  b.writeUInt32LE(FORMAT_VERSION, 8);
  b.writeUInt32LE(layout.headerLen, 12);
  b.writeUInt32LE(def.step, 16);
  b.writeUInt32LE(def.ds.length, 20);
  b.writeUInt32LE(def.rra.length, 24);
  let o = 32;
  for (const d of def.ds) {
    b.write(d.name, o, 20, 'latin1');
    b.writeUInt8(DS_TYPES.indexOf(d.type), o + 20);
    b.writeUInt32LE(d.heartbeat, o + 24);
    b.writeDoubleLE(d.min, o + 32);
    b.writeDoubleLE(d.max, o + 40);
    o += DS_ENTRY;
  }
  for (const r of def.rra) {
    b.writeUInt8(CFS.indexOf(r.cf), o);
    b.writeUInt32LE(r.steps, o + 4);
    b.writeUInt32LE(r.rows, o + 8);
    b.writeDoubleLE(r.xff, o + 16);
    o += RRA_ENTRY;
  }
  b.writeUInt32LE(crc32(b.subarray(0, o)), o);
  return b;
}

/** Says why a buffer is not one of our files, naming what it looks like. */
function foreignKind(b: Buffer): string {
  if (b.length >= 4 && b.toString('latin1', 0, 4) === 'RRD\0') return 'an rrdtool .rrd file (convert it: rrdtool dump | procblock rrd restore)';
  if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47) return 'a PNG image';
  if (b.length === 0) return 'an empty file';
  return 'not a procblock RRD file (bad magic)';
}

export function decodeHeader(b: Buffer, path: string): ResolvedDefinition {
  if (b.length < 36 || !b.subarray(0, 8).equals(MAGIC)) throw formatError(path, foreignKind(b));
  const version = b.readUInt32LE(8);
  if (version !== FORMAT_VERSION) throw formatError(path, `unsupported format version ${version} (this build reads ${FORMAT_VERSION})`);
  const headerLen = b.readUInt32LE(12);
  const nd = b.readUInt32LE(20);
  const nr = b.readUInt32LE(24);
  const crcAt = 32 + DS_ENTRY * nd + RRA_ENTRY * nr;
  if (nd === 0 || nr === 0 || nd > 10000 || nr > 10000 || headerLen !== pad8(crcAt + 4) || b.length < headerLen) {
    throw formatError(path, 'truncated or corrupt header');
  }
  if (b.readUInt32LE(crcAt) !== crc32(b.subarray(0, crcAt))) throw formatError(path, 'header checksum mismatch (corrupt file)');
  const ds = [];
  let o = 32;
  for (let i = 0; i < nd; i++) {
    const raw = b.toString('latin1', o, o + 20);
    const nul = raw.indexOf('\0');
    const type = DS_TYPES[b.readUInt8(o + 20)];
    if (!type) throw formatError(path, `unknown DS type code ${b.readUInt8(o + 20)}`);
    ds.push({ name: nul < 0 ? raw : raw.slice(0, nul), type, heartbeat: b.readUInt32LE(o + 24), min: b.readDoubleLE(o + 32), max: b.readDoubleLE(o + 40) });
    o += DS_ENTRY;
  }
  const rra = [];
  for (let i = 0; i < nr; i++) {
    const cf = CFS[b.readUInt8(o)];
    if (!cf) throw formatError(path, `unknown CF code ${b.readUInt8(o)}`);
    rra.push({ cf, steps: b.readUInt32LE(o + 4), rows: b.readUInt32LE(o + 8), xff: b.readDoubleLE(o + 16) });
    o += RRA_ENTRY;
  }
  try {
    return resolveDefinition({ step: b.readUInt32LE(16), ds, rra }, path);
  } catch (e) {
    throw formatError(path, `header holds an invalid definition: ${(e as Error).message}`);
  }
}

/** Write the state (not the rows) into `b` at `o` as one slot image with `seq`. */
export function encodeState(def: ResolvedDefinition, st: RrdState, seq: number, b: Buffer, o: number, slotLen: number): void {
  b.fill(0, o, o + slotLen);
  b.writeUInt32LE(STATE_MAGIC, o);
  b.writeDoubleLE(seq, o + 8);
  b.writeDoubleLE(st.lastUp, o + 16);
  b.writeDoubleLE(st.lastUpUsec, o + 24);
  let p = o + 32;
  for (let i = 0; i < def.ds.length; i++) {
    const s = lastDsText(st, i);
    b.writeUInt8(s.length, p);
    b.write(s, p + 1, 31, 'latin1');
    b.writeDoubleLE(st.pdpVal[i]!, p + 32);
    b.writeDoubleLE(st.pdpUnknSec[i]!, p + 40);
    p += DS_STATE;
  }
  for (let c = 0; c < st.cdpVal.length; c++) {
    b.writeDoubleLE(st.cdpVal[c]!, p);
    b.writeDoubleLE(st.cdpUnkn[c]!, p + 8);
    b.writeDoubleLE(st.cdpPrimary[c]!, p + 16);
    b.writeDoubleLE(st.cdpSecondary[c]!, p + 24);
    p += CDP_STATE;
  }
  for (let r = 0; r < st.curRow.length; r++) {
    b.writeUInt32LE(st.curRow[r]!, p);
    p += 4;
  }
  const crcAt = o + slotLen - 8;
  b.writeUInt32LE(crc32(b.subarray(o, crcAt)), crcAt);
}

/** The seq of the slot image at `o`, or -1 when it is missing or fails its checksum. */
export function slotSeq(b: Buffer, o: number, slotLen: number): number {
  if (o + slotLen > b.length) return -1;
  const crcAt = o + slotLen - 8;
  if (b.readUInt32LE(o) !== STATE_MAGIC || b.readUInt32LE(crcAt) !== crc32(b.subarray(o, crcAt))) return -1;
  return b.readDoubleLE(o + 8);
}

/** Decode a slot image into `st` (rows untouched); returns its seq, or -1 when it fails its checksum. */
export function decodeState(def: ResolvedDefinition, b: Buffer, o: number, slotLen: number, st: RrdState): number {
  if (slotSeq(b, o, slotLen) < 0) return -1;
  st.lastUp = b.readDoubleLE(o + 16);
  st.lastUpUsec = b.readDoubleLE(o + 24);
  let p = o + 32;
  for (let i = 0; i < def.ds.length; i++) {
    st.lastDs[i] = b.toString('latin1', p + 1, p + 1 + Math.min(31, b.readUInt8(p)));
    st.pdpVal[i] = b.readDoubleLE(p + 32);
    st.pdpUnknSec[i] = b.readDoubleLE(p + 40);
    p += DS_STATE;
  }
  for (let c = 0; c < st.cdpVal.length; c++) {
    st.cdpVal[c] = b.readDoubleLE(p);
    st.cdpUnkn[c] = b.readDoubleLE(p + 8);
    st.cdpPrimary[c] = b.readDoubleLE(p + 16);
    st.cdpSecondary[c] = b.readDoubleLE(p + 24);
    p += CDP_STATE;
  }
  for (let r = 0; r < st.curRow.length; r++) {
    st.curRow[r] = b.readUInt32LE(p);
    p += 4;
  }
  return b.readDoubleLE(o + 8);
}

