import fs from 'node:fs/promises';
import path from 'node:path';
import { RuntimeFailure } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';

/**
 * One writer per state dir: `<dir>/lock` holds the pid of the process that has it open. The
 * file is created complete (written under a temp name, then hard-linked into place, which fails
 * if it exists), so a reader never sees it half written. A lock whose pid is no longer alive
 * (the process was killed) is taken over by renaming over it, then re-read to check that we
 * won any race with another process doing the same.
 *
 * Limits: a pid reused by an unrelated live process makes the lock look held (remove the file
 * by hand); the check is per machine, so a state dir on a network share is not guarded.
 */
export interface StateDirLock {
  release(): Promise<void>;
}

export async function lockStateDir(dir: string, logger: Logger): Promise<StateDirLock> {
  const file = path.join(dir, 'lock');
  const tmp = path.join(dir, `lock.${process.pid}.${Date.now()}.tmp`);
  await fs.writeFile(tmp, `${process.pid}\n`);
  try {
    try {
      await fs.link(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = await readPid(file);
      if (holder !== undefined && isAlive(holder)) throw alreadyRunning(dir, holder);
      logger.warn('taking over a stale unidist state dir lock', { dir, stalePid: holder ?? null });
      await fs.rename(tmp, file);
      const now = await readPid(file);
      if (now !== process.pid) throw alreadyRunning(dir, now ?? -1);
    }
  } finally {
    await fs.rm(tmp, { force: true });
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      if ((await readPid(file)) === process.pid) await fs.rm(file, { force: true });
    },
  };
}

async function readPid(file: string): Promise<number | undefined> {
  try {
    const n = Number.parseInt(await fs.readFile(file, 'utf8'), 10);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true; // another unidist in this very process has it open
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}

function alreadyRunning(dir: string, pid: number): RuntimeFailure {
  return new RuntimeFailure('PB_ERR_ALREADY_RUNNING', `the unidist state dir ${dir} is already open in process ${pid}`);
}
