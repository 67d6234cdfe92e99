/**
 * Atomic PNG write: the bytes go to a temporary file in the same folder (same file system), then
 * the temporary file is renamed over the target. A reader (a web server, a viewer) sees the old
 * PNG or the new one, never a partial file.
 *
 * The writes are synchronous: a graph is tens of KB, and three blocking syscalls (~0.2 ms) cost
 * less than the thread-pool round trips of fs/promises (~0.8 ms). No fsync: a graph is redrawn
 * every few seconds, and rename alone already keeps readers from seeing a partial file.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { RuntimeFailure } from '../core/errors.js';

export async function writeGraph(path: string, png: Uint8Array): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    try {
      writeFileSync(tmp, png, { flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      mkdirSync(dir, { recursive: true });
      writeFileSync(tmp, png, { flag: 'wx' });
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new RuntimeFailure('PB_ERR_GRAPH', `cannot write graph ${path}: ${(e as Error).message}`, { cause: e });
  }
}
