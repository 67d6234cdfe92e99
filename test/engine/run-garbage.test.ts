/**
 * A run leaves nothing behind that outlives it (src/engine/process-block.ts, context.ts): the
 * engine's context was once an object literal with a getter, which gives every run's context a
 * hidden class of its own; under load each young-generation collection then promoted ~0.3 MB to
 * the old generation (1.4 % of all that was allocated). Measured here with V8's own GC trace in a
 * child process: run one at a time, nothing of a finished run is alive at a collection.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

describe('engine runs and the garbage collector', () => {
  it('promotes next to nothing to the old generation over 200,000 runs of a run list', () => {
    const r = spawnSync(process.execPath, ['--trace-gc-nvp', path.join(repoRoot, 'test/fixtures/engine/run-garbage.mjs')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const scavenges = r.stdout.split('\n').filter((l) => / gc=s /.test(` ${l} `));
    const sum = (key: string): number => scavenges.reduce((n, l) => n + Number(new RegExp(`\\b${key}=(\\d+)`).exec(l)?.[1] ?? 0), 0);
    expect(scavenges.length).toBeGreaterThan(20);
    const allocated = sum('allocated');
    const promoted = sum('promoted');
    expect(allocated).toBeGreaterThan(100e6);
    // Before the fix: 1.4 % (~0.3 MB per collection). A few KB per collection is V8's own churn.
    expect(promoted / allocated).toBeLessThan(0.002);
  });
});
