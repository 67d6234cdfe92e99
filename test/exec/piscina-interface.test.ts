/**
 * piscina hands its load balancer one view per worker, kept, instead of a new one (with six new
 * getter closures) per task: see src/exec/piscina-interface.ts.
 */
import path from 'node:path';
import { Piscina } from 'piscina';
import { describe, expect, it } from 'vitest';
import { keepWorkerViews } from '../../src/exec/piscina-interface.js';
import { repoRoot } from '../helpers/cli.js';

describe('keepWorkerViews', () => {
  it('makes piscina offer the same live view of a worker to every task', async () => {
    const seen: object[] = [];
    const pool = new Piscina({
      filename: path.join(repoRoot, 'test/fixtures/exec/echo-task.mjs'),
      maxThreads: 1,
      minThreads: 1,
      loadBalancer: (_task, workers) => {
        const w = workers[0];
        if (!w) return null;
        keepWorkerViews(w);
        seen.push(w);
        return w;
      },
    });
    try {
      for (let i = 0; i < 4; i++) expect(await pool.run(i)).toBe(i);
      const id = (seen[0] as { id: number }).id;
      // The first view was built before the patch; every later one is the same object.
      expect(new Set(seen.slice(1)).size).toBe(1);
      const view = seen[seen.length - 1] as { id: number; currentUsage: number; terminating: boolean };
      // Still live: it reads the worker's state on each access.
      expect(view.id).toBe(id);
      expect(view.currentUsage).toBe(0);
      expect(view.terminating).toBe(false);
    } finally {
      await pool.destroy();
    }
  });
});
