/** What both runs of demos/pushpull (one process; two on Redis) must leave in unidist. */
import { expect } from 'vitest';
import type { Unidist } from '../../src/unidist/types.js';

/** Something was pushed and pulled, and every stamp pushed is either pulled or still queued. Closes `u`. */
export async function expectPushpullBalanced(u: Unidist): Promise<void> {
  try {
    const pushed = await u.counter.get('pushed');
    const pulled = await u.counter.get('pulled');
    expect(pushed).toBeGreaterThanOrEqual(3);
    expect(pulled).toBeGreaterThanOrEqual(1);
    expect(pulled + (await u.queue.count('stamps'))).toBe(pushed);
  } finally {
    await u.close();
  }
}
