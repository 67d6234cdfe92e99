/**
 * Runtime.run with the inputs a web request brings (src/runtime/runtime.ts): a (lazy) controller
 * of the run's own that the runtime's stop aborts too, and a frozen request state used as it is.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LazyAbortController } from '../../dist/core/lazy-abort.js';
import { blockFromObject, deepFreeze } from '../../dist/engine/in-memory-block.js';
import { Runtime } from '../../dist/runtime/runtime.js';
import { repoRoot } from '../helpers/cli.js';

const scripts = path.join(repoRoot, 'test', 'fixtures', 'scripts');
const usage = { longrunning: true, daemon: false, args: [], options: [] };

describe('Runtime.run inputs', () => {
  it("aborts a run's own controller when it aborts, and when the runtime stops", async () => {
    const rt = await Runtime.create({ stopTimeoutMs: 100 });
    const block = blockFromObject({ run: [{ script: 'waits-for-abort.mjs' }] }, { file: path.join(scripts, 'x.yaml'), usage });
    try {
      const own = new LazyAbortController();
      const first = rt.run(block, { requestState: deepFreeze({ page: 'p' }), abort: own });
      await expect.poll(() => rt.unidist.counter.get('started')).toBe(1);
      own.abort(new Error('request timed out'));
      await expect(first).resolves.toMatchObject({ result: { run: { page: 'p', aborted: true } } });

      const second = new LazyAbortController();
      const running = rt.run(block, { abort: second });
      await expect.poll(() => rt.unidist.counter.get('started')).toBe(2);
      expect(second.aborted).toBe(false);
      await rt.stop('test');
      expect(second.aborted).toBe(true);
      expect(second.signal.aborted).toBe(true);
      expect((second.signal.reason as { code?: string }).code).toBe('PB_ERR_ABORTED');
      await running.catch(() => undefined);
    } finally {
      await rt.stop();
    }
  });

  it('runs 30 script runs at once without signal warnings; the stop aborts every one', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    const rt = await Runtime.create({ stopTimeoutMs: 1000 });
    const block = blockFromObject({ run: [{ script: 'waits-for-abort.mjs' }] }, { file: path.join(scripts, 'x.yaml'), usage });
    try {
      const runs = Array.from({ length: 30 }, () => rt.run(block).catch((e: unknown) => e));
      await expect.poll(() => rt.unidist.counter.get('started')).toBe(30);
      await rt.stop('test');
      expect((await Promise.all(runs)).every((r) => r instanceof Error || (r as { result?: { run?: { aborted?: boolean } } }).result?.run?.aborted === true)).toBe(true);
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await rt.stop();
    }
  });

  it('copies and freezes a request state it is given unfrozen; a frozen one is used as it is', async () => {
    const rt = await Runtime.create();
    try {
      const block = blockFromObject({ answer: 42 }, { usage });
      const open = { page: 'p', headers: { a: 'b' } };
      await rt.run(block, { requestState: open });
      expect(Object.isFrozen(open)).toBe(false);
      expect(Object.isFrozen(open.headers)).toBe(false);
      const frozen = deepFreeze({ page: 'p' });
      expect((await rt.run(block, { requestState: frozen })).result).toEqual({ answer: 42 });
    } finally {
      await rt.stop();
    }
  });
});
