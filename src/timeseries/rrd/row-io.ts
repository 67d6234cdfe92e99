/**
 * Archive rows on disk: archive r's ring row k is `dsCount` little-endian doubles at
 * `rraOffset[r] + k·dsCount·8`. Rows are read when asked for (fetch, dump), never kept.
 */
import { readSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import type { Layout } from './binary-format.js';
import type { RowOverlay } from './row-overlay.js';

const LE = endianness() === 'LE';

/** Read ring rows `first…first+count` of archive `rra` into `out` from `outAt` (values). */
export function readRingRows(fd: number, layout: Layout, nd: number, rra: number, first: number, count: number, out: Float64Array, outAt: number): void {
  const len = count * nd * 8;
  const pos = layout.rraOffset[rra]! + first * nd * 8;
  const bytes = LE ? new Uint8Array(out.buffer, out.byteOffset + outAt * 8, len) : new Uint8Array(len);
  let got = 0;
  while (got < len) {
    const n = readSync(fd, bytes, got, len - got, pos + got);
    if (n === 0) throw new Error(`unexpected end of file reading archive ${rra} (truncated file)`);
    got += n;
  }
  if (!LE) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, len);
    for (let i = 0; i < count * nd; i++) out[outAt + i] = view.getFloat64(i * 8, true);
  }
}

/** Write ring rows `first…first+count` of archive `rra` from `src` at `srcAt` (values). */
export function writeRingRows(fd: number, layout: Layout, nd: number, rra: number, first: number, src: Float64Array, srcAt: number, count: number): void {
  const len = count * nd * 8;
  let bytes: Uint8Array;
  if (LE) bytes = new Uint8Array(src.buffer, src.byteOffset + srcAt * 8, len);
  else {
    bytes = new Uint8Array(len);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < count * nd; i++) view.setFloat64(i * 8, src[srcAt + i]!, true);
  }
  const pos = layout.rraOffset[rra]! + first * nd * 8;
  let done = 0;
  while (done < len) done += writeSync(fd, bytes, done, len - done, pos + done);
}

/**
 * Rows of archive `rra` by age, `fromAge…fromAge+count` (age 0 = the oldest row, `rows − 1` =
 * the newest, at `curRow`), as the log says they are (`overlay`).
 */
export function readAgedRows(
  fd: number,
  layout: Layout,
  nd: number,
  rra: number,
  rows: number,
  curRow: number,
  overlay: RowOverlay | undefined,
  fromAge: number,
  count: number,
): Float64Array {
  const out = new Float64Array(count * nd);
  let age = fromAge;
  let at = 0;
  while (age < fromAge + count) {
    const first = (curRow + 1 + age) % rows;
    const n = Math.min(fromAge + count - age, rows - first);
    readRingRows(fd, layout, nd, rra, first, n, out, at * nd);
    overlay?.patch(rra, first, n, out, at * nd);
    age += n;
    at += n;
  }
  return out;
}
