/** File-level I/O helpers: positioned reads and whole writes, I/O errors, creating a file atomically. */
import { closeSync, existsSync, linkSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { InputError, RuntimeFailure } from '../../core/errors.js';
import { encodeHeader, encodeState, layoutOf } from './binary-format.js';
import type { ResolvedDefinition } from './definition.js';
import { writeRingRows } from './row-io.js';
import type { RrdState } from './state.js';

export function ioError(path: string, what: string, cause: unknown): RuntimeFailure {
  return new RuntimeFailure('PB_ERR_RRD_IO', `${path}: ${what}: ${(cause as Error).message ?? String(cause)}`, {
    cause,
    location: { file: path },
  });
}

export function writeAll(fd: number, b: Uint8Array, pos: number): void {
  let done = 0;
  while (done < b.length) done += writeSync(fd, b, done, b.length - done, pos + done);
}

/** Up to `len` bytes at `pos` (fewer at the end of the file), into `into` when it is long enough. */
export function readAt(fd: number, pos: number, len: number, into?: Buffer): Buffer {
  const b = into && into.length >= len ? into : Buffer.allocUnsafe(len);
  let got = 0;
  while (got < len) {
    const n = readSync(fd, b, got, len - got, pos + got);
    if (n === 0) break;
    got += n;
  }
  return got === b.length ? b : b.subarray(0, got);
}

function exists(path: string): InputError {
  return new InputError('PB_ERR_RRD_INVALID', `${path} already exists (pass overwrite to replace it)`, { location: { file: path } });
}

/**
 * Write a complete file: into a temp file, then link it into place (which fails if `path`
 * appeared meanwhile, so nothing is clobbered unless asked) or rename over it when overwriting.
 * A crash leaves either no file or a whole one (and maybe a stray temp file). `rows(r)` gives
 * archive r's rows in ring order; without it every row is unknown.
 */
export function writeNewFile(
  path: string,
  def: ResolvedDefinition,
  st: RrdState,
  rows: ((rra: number) => Float64Array) | undefined,
  overwrite: boolean,
): void {
  if (!overwrite && existsSync(path)) throw exists(path);
  const layout = layoutOf(def);
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const nd = def.ds.length;
  let fd = -1;
  try {
    fd = openSync(tmp, 'wx');
    writeAll(fd, encodeHeader(def, layout), 0);
    const slot = Buffer.alloc(layout.slotLen);
    encodeState(def, st, 1, slot, 0, layout.slotLen);
    writeAll(fd, slot, layout.slotOffset[1]);
    if (rows) def.rra.forEach((r, i) => writeRingRows(fd, layout, nd, i, 0, rows(i), 0, r.rows));
    else writeUnknownRows(fd, layout.rraOffset[0]!, layout.journalOffset);
    closeSync(fd);
    fd = -1;
    if (overwrite) renameSync(tmp, path);
    else {
      linkSync(tmp, path);
      unlinkSync(tmp);
    }
  } catch (e) {
    if (fd >= 0) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw exists(path);
    throw ioError(path, 'cannot create', e);
  }
}

/** NaN (unknown) in every row from `from` to `to`, in 64 KiB writes. */
function writeUnknownRows(fd: number, from: number, to: number): void {
  const chunk = Buffer.alloc(Math.min(65536, to - from));
  for (let o = 0; o < chunk.length; o += 8) chunk.writeDoubleLE(NaN, o);
  for (let p = from; p < to; p += chunk.length) writeAll(fd, chunk.subarray(0, Math.min(chunk.length, to - p)), p);
}
