/**
 * Atomic PNG write: the bytes go to a temporary file in the same folder (same file system), are
 * flushed, then renamed over the target. A reader (a web server, a viewer) sees the old PNG or
 * the new one, never a partial file.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RuntimeFailure } from '../core/errors.js';

export async function writeGraph(path: string, png: Uint8Array): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    const fh = await open(tmp, 'wx');
    try {
      // No fsync: a graph is redrawn every few seconds, and rename alone already keeps readers
      // from seeing a partial file (ext4 also flushes data on rename-over-existing).
      await fh.writeFile(png);
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new RuntimeFailure('PB_ERR_GRAPH', `cannot write graph ${path}: ${(e as Error).message}`, { cause: e });
  }
}
