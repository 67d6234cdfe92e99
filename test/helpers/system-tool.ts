/**
 * The one rule for suites that need a system program (rrdtool, redis-server, chromium,
 * prometheus): present → run; missing → skip with a message locally, and fail when CI=true
 * (`.ci/run` installs them, so a missing one there is a broken CI, not a reason to skip).
 *
 *   const haveRedis = requireSystemTool('redis-server', ['--version'], 'the Redis back-end tests');
 *   describe.runIf(haveRedis)('…', () => { … });
 */
import { spawnSync } from 'node:child_process';

const seen = new Map<string, boolean>();

/** Whether `command` runs (`command ...versionArgs` exits 0). */
export function systemToolAvailable(command: string, versionArgs: readonly string[] = ['--version']): boolean {
  const key = `${command}\0${versionArgs.join('\0')}`;
  let ok = seen.get(key);
  if (ok === undefined) {
    const r = spawnSync(command, [...versionArgs], { encoding: 'utf8', timeout: 30_000 });
    ok = r.error === undefined && r.status === 0;
    seen.set(key, ok);
  }
  return ok;
}

/** True when present; false (with a warning) when missing locally; throws when missing in CI. */
export function requireSystemTool(command: string, versionArgs: readonly string[], purpose: string): boolean {
  if (systemToolAvailable(command, versionArgs)) return true;
  if (process.env.CI === 'true') {
    throw new Error(`${command} is required for ${purpose} (CI=true) but was not found on PATH; .ci/run installs it`);
  }
  console.warn(`SKIP: ${command} not found on PATH; ${purpose} skipped (they fail instead when CI=true)`);
  return false;
}
