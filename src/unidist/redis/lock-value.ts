/**
 * A held lock as lock-acquire.lua stores it: JSON `[handle id, token, since, expires, owner]`,
 * numbers as decimal strings ('' for no expiry), plus `1` in sixth place once someone waits for it.
 */
import type { LockInfo } from '../types.js';

export interface StoredLock {
  readonly id: string;
  readonly token: number;
  readonly since: number;
  readonly expires: number | undefined;
  readonly owner: string;
}

export function parseStoredLock(text: string): StoredLock {
  const [id, token, since, expires, owner] = JSON.parse(text) as [string, string, string, string, string];
  return { id, token: Number(token), since: Number(since), expires: expires === '' ? undefined : Number(expires), owner };
}

export function lockInfo(name: string, s: StoredLock): LockInfo {
  return { name, token: s.token, since: s.since, expires: s.expires, owner: s.owner };
}
