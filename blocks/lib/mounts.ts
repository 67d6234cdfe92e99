/**
 * Which mounts the disk-space collector reports, chosen the way `df` (GNU coreutils 9) chooses
 * them with no arguments, so the two list the same file systems:
 * - pseudo file systems (`proc`, `sysfs`, `devpts`, ... gnulib's "dummy" types) are skipped,
 *   and so is any file system whose size is 0 (checked after statfs, by the caller);
 * - a mount point mounted over (listed twice) counts once: the later, visible mount;
 * - one device mounted in several places counts once: a source with a '/' (a real device) wins
 *   over one without, then the mount point nearer the root (unless it shows a deeper part of the
 *   device, as a bind mount does), as df decides.
 * Mount points come from /proc/self/mountinfo (proc(5)), whose octal escapes are decoded.
 */

export interface MountEntry {
  /** major:minor of the mounted device. */
  readonly dev: string;
  /** The part of the device's tree mounted here ("/" unless a bind mount). */
  readonly root: string;
  readonly mountPoint: string;
  readonly fsType: string;
  /** The mount source: a device path, or a name such as "tmpfs". */
  readonly source: string;
}

/** gnulib mountlist.c ME_DUMMY: file systems df never shows without -a. */
const DUMMY_TYPES = new Set([
  'autofs', 'proc', 'subfs', 'debugfs', 'devpts', 'fusectl', 'fuse.portal', 'mqueue', 'rpc_pipefs', 'sysfs',
  'devfs', 'kernfs', 'ignore', 'none', 'binfmt_misc', 'bpf', 'cgroup', 'cgroup2', 'configfs', 'efivarfs',
  'hugetlbfs', 'nsfs', 'pstore', 'securityfs', 'selinuxfs', 'tracefs',
]);

export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    // id parent major:minor root mount-point options [optional fields...] - type source super-options
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const right = line.slice(sep + 3).split(' ');
    const [dev, root, mountPoint] = [left[2], left[3], left[4]];
    const [fsType, source] = [right[0], right[1]];
    if (dev === undefined || root === undefined || mountPoint === undefined || fsType === undefined) continue;
    out.push({ dev, root: unescape(root), mountPoint: unescape(mountPoint), fsType, source: unescape(source ?? '') });
  }
  return out;
}

/** The mounts df would show (before its zero-size rule), in mountinfo order. */
export function selectMounts(entries: readonly MountEntry[], excludeType?: RegExp): MountEntry[] {
  // A mount point listed again was mounted over: only the last (visible) one counts.
  const visible = new Map<string, MountEntry>();
  for (const e of entries) {
    if (DUMMY_TYPES.has(e.fsType) || excludeType?.test(e.fsType)) continue;
    visible.delete(e.mountPoint);
    visible.set(e.mountPoint, e);
  }
  const byDev = new Map<string, MountEntry>();
  for (const me of visible.values()) {
    const seen = byDev.get(me.dev);
    if (!seen) {
      byDev.set(me.dev, me);
      continue;
    }
    const targetNearerRoot = seen.mountPoint.length > me.mountPoint.length;
    const sourceBelowRoot = seen.root.length < me.root.length;
    const realDeviceWins = me.source.includes('/') && !seen.source.includes('/');
    if (realDeviceWins || (targetNearerRoot && !sourceBelowRoot)) byDev.set(me.dev, me);
  }
  const kept = new Set(byDev.values());
  return [...visible.values()].filter((e) => kept.has(e));
}

/**
 * A short, stable name for a mount point, used as its entry (and file name) in the result:
 * "/" → "root", "/var/lib" → "var-lib". A name already taken gets "_2", "_3"...
 */
export function mountKeys(mountPoints: readonly string[]): string[] {
  const taken = new Set<string>();
  return mountPoints.map((mp) => {
    const base = mp === '/' ? 'root' : mp.replace(/^\/+|\/+$/g, '').replace(/\/+/g, '-');
    let key = base === '' ? 'root' : base;
    for (let n = 2; taken.has(key); n++) key = `${base}_${n}`;
    taken.add(key);
    return key;
  });
}

function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}
