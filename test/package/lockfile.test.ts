import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * `npm ci` on macOS, Windows, musl or ARM installs the platform packages named in the lock; a
 * lock written on one Linux machine with node_modules present can lose them (npm/cli#4828), and
 * then `npm ci` elsewhere refuses the lock or installs no canvas binding.
 */
interface LockEntry {
  version?: string;
  optionalDependencies?: Record<string, string>;
  os?: string[];
  cpu?: string[];
}
const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as { packages: Record<string, LockEntry> };

describe('package-lock.json', () => {
  it('lists the @napi-rs/canvas binding of every platform the package supports', () => {
    const canvas = lock.packages['node_modules/@napi-rs/canvas'];
    const wanted = Object.keys(canvas?.optionalDependencies ?? {});
    // The installed package's own list, so a lock that drops names from both places still fails.
    const published = JSON.parse(readFileSync(new URL('../../node_modules/@napi-rs/canvas/package.json', import.meta.url), 'utf8')) as LockEntry;
    expect(wanted.sort()).toEqual(Object.keys(published.optionalDependencies ?? {}).sort());
    // What @napi-rs/canvas publishes: macOS, Windows, glibc and musl Linux, on x64 and ARM.
    for (const platform of ['darwin-arm64', 'darwin-x64', 'win32-x64-msvc', 'win32-arm64-msvc', 'linux-x64-gnu', 'linux-x64-musl', 'linux-arm64-gnu', 'linux-arm64-musl']) {
      expect(wanted).toContain(`@napi-rs/canvas-${platform}`);
    }
    for (const name of wanted) {
      const entry = lock.packages[`node_modules/${name}`];
      expect(entry, `lock entry for ${name}`).toBeDefined();
      expect(entry?.version).toBe(canvas?.optionalDependencies?.[name]);
      expect(entry?.os?.length ?? 0, `${name} names its os`).toBeGreaterThan(0);
    }
  });

  it('has an entry for every optional dependency of every locked package', () => {
    const missing: string[] = [];
    for (const [where, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        // Resolution walks up from the package's own node_modules to the root.
        const parts = where.split('node_modules/').filter(Boolean);
        let found = false;
        for (let i = parts.length; i >= 0 && !found; i--) {
          const prefix = parts.slice(0, i).map((p) => `node_modules/${p.replace(/\/$/, '')}/`).join('');
          found = `${prefix}node_modules/${name}` in lock.packages;
        }
        if (!found) missing.push(`${name} (wanted by ${where || 'the root'})`);
      }
    }
    expect(missing).toEqual([]);
  });
});
