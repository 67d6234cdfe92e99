import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Integration tests run the built package (`dist/`): the CLI is spawned and scripts run in
 * worker threads, neither of which goes through vitest's transform. Build once, up front.
 */
export default function setup(): void {
  if (process.env.PROCBLOCK_SKIP_BUILD === '1') return;
  const root = fileURLToPath(new URL('../../', import.meta.url));
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
}
