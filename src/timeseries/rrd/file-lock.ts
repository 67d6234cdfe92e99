/**
 * One writer per round-robin file: `<file>.lock`, created exclusively and naming its holder
 * (pid, host, and on Linux the boot id and the process's start time). Readers ignore it.
 *
 * Node has no flock(), so the lock is a file whose existence is the lock (docs/rrd-format.md,
 * "One writer"):
 * - It is a symbolic link whose target is the holder's identity: created and filled by one
 *   `symlink()`, which is atomic and exclusive on local file systems and on NFS. Where symlinks
 *   are refused, an `O_EXCL` file holding the same text is used.
 * - A holder that died (kill -9, power loss) leaves the lock behind. The next writer on the same
 *   host takes it over when that pid is gone, or was reused (its start time differs), or the
 *   machine has rebooted since (boot id). Takeover renames the stale lock aside and checks it
 *   moved the lock it judged stale, so two newcomers cannot both win.
 * - A lock from another host (a shared NFS folder) cannot be checked: it counts as held, and the
 *   error says to delete it by hand if that host's writer is gone.
 * Locks still held are removed when the process exits normally.
 */
import { closeSync, openSync, readFileSync, readlinkSync, renameSync, symlinkSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { InputError, RuntimeFailure } from '../../core/errors.js';

export interface RrdLock {
  /** The round-robin file this lock is for. */
  readonly file: string;
  readonly lockPath: string;
  /** False after `release()`. */
  readonly held: boolean;
  /** Remove the lock (when it is still ours). Idempotent. */
  release(): void;
}

interface Holder {
  readonly pid: number;
  readonly host: string;
  /** `<boot id>/<start time in clock ticks>`, or '-' where /proc is missing. */
  readonly start: string;
}

const PREFIX = 'procblock-rrd-writer';
const held = new Set<Lock>();
let exitHook = false;
let self: string | undefined;

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1').trim();
  } catch {
    return undefined;
  }
}

/** Start time (clock ticks since boot, field 22 of /proc/<pid>/stat) of a live process. */
function startTicks(pid: number | 'self'): string | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  // The command name (field 2) may hold spaces and parentheses; fields after it are plain.
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

function bootId(): string | undefined {
  return readProc('/proc/sys/kernel/random/boot_id');
}

function identity(): string {
  if (self === undefined) {
    const boot = bootId();
    const start = startTicks('self');
    self = `${PREFIX} ${process.pid} ${hostname()} ${boot && start ? `${boot}/${start}` : '-'}`;
  }
  return self;
}

function parse(text: string): Holder | undefined {
  const [tag, pid, host, start] = text.split(' ');
  if (tag !== PREFIX || !pid || !/^\d+$/.test(pid) || !host || !start) return undefined;
  return { pid: Number(pid), host, start };
}

/** false when the holder is surely gone; true when alive or it cannot be told (another host). */
function holderAlive(h: Holder): boolean {
  if (h.host !== hostname()) return true;
  const [boot, ticks] = h.start.split('/');
  const nowBoot = bootId();
  if (boot && boot !== '-' && nowBoot && boot !== nowBoot) return false;
  try {
    process.kill(h.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const live = ticks === undefined ? undefined : startTicks(h.pid);
  return live === undefined || live === ticks;
}

function create(lockPath: string, text: string): void {
  try {
    symlinkSync(text, lockPath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
    const fd = openSync(lockPath, 'wx');
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
  }
}

function read(lockPath: string): string {
  try {
    return readlinkSync(lockPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EINVAL') throw e;
    return readFileSync(lockPath, 'utf8');
  }
}

function lockedError(file: string, lockPath: string, text: string): InputError {
  const h = parse(text);
  const who =
    h === undefined
      ? `an unreadable lock ${lockPath} (delete it if no writer runs)`
      : h.pid === process.pid && h.host === hostname()
        ? `this process (pid ${h.pid}) through another handle`
        : h.host === hostname()
          ? `process ${h.pid}`
          : `process ${h.pid} on host ${h.host} (if that writer is gone, delete ${lockPath})`;
  return new InputError('PB_ERR_RRD_LOCKED', `${file} is being written by ${who}; a second writer would lose samples`, {
    location: { file },
  });
}

class Lock implements RrdLock {
  held = true;
  constructor(
    readonly file: string,
    readonly lockPath: string,
    private readonly text: string,
  ) {}

  release(): void {
    if (!this.held) return;
    this.held = false;
    held.delete(this);
    try {
      if (read(this.lockPath) === this.text) unlinkSync(this.lockPath);
    } catch {
      /* already gone */
    }
  }
}

/** Take the writer lock of `file` (PB_ERR_RRD_LOCKED, exit 2, naming the holder when held). */
export function lockRrdFile(file: string): RrdLock {
  const lockPath = `${file}.lock`;
  const text = identity();
  let seen = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      create(lockPath, text);
      const lock = new Lock(file, lockPath, text);
      held.add(lock);
      if (!exitHook) {
        exitHook = true;
        process.once('exit', () => {
          for (const l of [...held]) l.release();
        });
      }
      return lock;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new RuntimeFailure('PB_ERR_RRD_IO', `${file}: cannot create the writer lock ${lockPath}: ${(e as Error).message}`, { location: { file }, cause: e });
      }
    }
    try {
      seen = read(lockPath);
    } catch {
      continue; // released meanwhile
    }
    const holder = parse(seen);
    if (holder === undefined || holderAlive(holder)) throw lockedError(file, lockPath, seen);
    // Stale: move it aside, and make sure it was the one judged stale before dropping it.
    const aside = `${lockPath}.stale-${process.pid}-${attempt}`;
    try {
      renameSync(lockPath, aside);
    } catch {
      continue;
    }
    let moved = '';
    try {
      moved = read(aside);
    } catch {
      /* gone */
    }
    if (moved !== seen) {
      try {
        create(lockPath, moved); // another newcomer's fresh lock: put it back
      } catch {
        /* a third one holds it now */
      }
    }
    try {
      unlinkSync(aside);
    } catch {
      /* gone */
    }
  }
  throw lockedError(file, lockPath, seen);
}

/** The lock handed in through `opts.lock`, checked to be `path`'s. */
export function givenLock(path: string, opts: { lock?: boolean | RrdLock | undefined }): RrdLock | undefined {
  const lock = typeof opts.lock === 'object' ? opts.lock : undefined;
  if (lock && lock.file !== path && resolve(lock.file) !== resolve(path)) {
    throw new InputError('PB_ERR_INVALID_ARGUMENT', `the lock given is for ${lock.file}, not ${path}`, { location: { file: path, keyPath: 'lock' } });
  }
  return lock;
}
