import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('generated block validator', () => {
  it('is up to date with schemas/block.schema.json (node schemas/generate-validator.mjs --check)', () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    expect(() =>
      execFileSync(process.execPath, ['schemas/generate-validator.mjs', '--check'], { cwd: root, stdio: 'pipe' }),
    ).not.toThrow();
  });
});
