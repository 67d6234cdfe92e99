/** File-level I/O helpers: whole writes, I/O errors, creating a file atomically. */
import { closeSync, existsSync, linkSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { InputError, RuntimeFailure } from '../../core/errors.js';
import { encodeHeader, encodeState, f64Bytes, layoutOf } from './binary-format.js';
import type { ResolvedDefinition } from './definition.js';
import type { RrdState } from './state.js';

export function ioError(path: string, what: string, cause: unknown): RuntimeFailure {
  return new RuntimeFailure('PB_ERR_RRD_IO', `${path}: ${what}: ${(cause as Error).message ?? String(cause)}`, {
    cause,
    location: { file: path },
  });
}

export function writeAll(fd: number, b: Buffer, pos: number): void {
  let done = 0;
  while (done < b.length) done += writeSync(fd, b, done, b.length - done, pos + done);
}

function exists(path: string): InputError {
  return new InputError('PB_ERR_RRD_INVALID', `${path} already exists (pass overwrite to replace it)`, { location: { file: path } });
}

/**
 * Write a complete file: into a temp file, then link it into place (which fails if `path`
 * appeared meanwhile, so nothing is clobbered unless asked) or rename over it when overwriting.
 * A crash leaves either no file or a whole one (and maybe a stray temp file).
 */
export function writeNewFile(path: string, def: ResolvedDefinition, st: RrdState, overwrite: boolean): void {
  if (!overwrite && existsSync(path)) throw exists(path);
  const layout = layoutOf(def);
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  let fd = -1;
  try {
    fd = openSync(tmp, 'wx');
    writeAll(fd, encodeHeader(def, layout), 0);
    const slot = Buffer.alloc(layout.slotLen);
    encodeState(def, st, 1, slot, 0, layout.slotLen);
    writeAll(fd, slot, layout.slotOffset[1]);
    def.rra.forEach((_, r) => writeAll(fd, f64Bytes(st.data[r]!, 0, st.data[r]!.length), layout.rraOffset[r]!));
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
