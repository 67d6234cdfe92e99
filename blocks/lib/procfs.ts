/**
 * Where the collectors read from: Linux's procfs, at `/proc` or wherever the `procfs`
 * parameter says (a container monitoring its host mounts the host's /proc elsewhere, as with
 * node_exporter's --path.procfs). Every collector starts here, so a non-Linux system gets one
 * clear coded error (PB_ERR_UNSUPPORTED_PLATFORM) instead of a crash on a missing file.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CollectorError } from './collector-error.js';
import { stringParam } from './params.js';

export const DEFAULT_PROCFS = '/proc';

/** Throw PB_ERR_UNSUPPORTED_PLATFORM unless `platform` is Linux. */
export function requireLinux(collector: string, platform: NodeJS.Platform = process.platform): void {
  if (platform === 'linux') return;
  throw new CollectorError(
    'PB_ERR_UNSUPPORTED_PLATFORM',
    `the ${collector} collector reads Linux's /proc and runs only on Linux; this system is ${platform}`,
  );
}

export interface Procfs {
  /** Absolute procfs root. */
  readonly root: string;
  /** Read `<root>/<rel>` as text; a missing or unreadable file is a coded error naming it. */
  read(rel: string): Promise<string>;
}

/** The procfs of this call: the `procfs` parameter (relative to `cwd`), default /proc. */
export function procfsFor(collector: string, pipeData: Readonly<Record<string, unknown>>, cwd: string): Procfs {
  requireLinux(collector);
  const root = path.resolve(cwd, stringParam(pipeData, 'procfs', DEFAULT_PROCFS));
  return {
    root,
    async read(rel) {
      const file = path.join(root, rel);
      try {
        return await readFile(file, 'utf8');
      } catch (e) {
        const errno = (e as NodeJS.ErrnoException).code;
        const missing = errno === 'ENOENT' || errno === 'ENOTDIR';
        throw new CollectorError(
          missing ? 'PB_ERR_FILE_NOT_FOUND' : 'PB_ERR_FILE_UNREADABLE',
          `the ${collector} collector cannot read ${file} (${errno ?? (e as Error).message})` +
            (missing ? `: is ${root} a procfs mount? (parameter procfs, default ${DEFAULT_PROCFS})` : ''),
          { cause: e },
        );
      }
    },
  };
}
