import type { ProcessBlock, Unidist } from 'procblock';
import { BUCKET, CONTROL_QUEUE, COUNTER, DELAY, STOP_LOCK } from './requests-shared.js';

type Handle = Awaited<ReturnType<Unidist['lock']['acquire']>>;

/**
 * The Requests tab's two long-running activities (a `run simultaneous` list, SPEC §3.3), in one
 * worker so they occupy one thread of the pool:
 *
 * - the poller: waits the delay held in state `requests.delay`, then, unless the lock
 *   `request_poller_stop` is held, increments the counter `requests`;
 * - the stop switch: holds that lock while state `requests.stopped` is true. The "Stop request
 *   poller" button flips the state and wakes the switch through the queue `requests_control`.
 *   The switch is the lock's holder because a unidist lock belongs to the worker that took it,
 *   while each web request is over in milliseconds; with a Redis back end the same lock stops
 *   the pollers of every process sharing it.
 *
 * Both end when the runtime stops (ctx.signal); the lock is released on the way out.
 */
export const processBlock: ProcessBlock = async (_pipeData, _block, _requestState, _inputData, ctx) => {
  const { unidist, signal } = ctx;
  let held: Handle = null;

  const reconcile = async (): Promise<void> => {
    const stopped = (await unidist.state.get(BUCKET, 'stopped', false)) === true;
    if (stopped && !held) held = await unidist.lock.acquire(STOP_LOCK, { timeout: 5000 });
    else if (!stopped && held) {
      await held.release();
      held = null;
    }
  };

  const stopSwitch = async (): Promise<void> => {
    await reconcile();
    while (!signal.aborted) {
      await unidist.queue.wait(CONTROL_QUEUE, { signal });
      await reconcile();
    }
  };

  const poller = async (): Promise<void> => {
    let shown: string | undefined;
    const show = async (status: string): Promise<void> => {
      if (status === shown) return;
      shown = status;
      await unidist.state.set(BUCKET, 'poller', status);
    };
    while (!signal.aborted) {
      const delay = Number(await unidist.state.get(BUCKET, 'delay', DELAY.default));
      await sleep(Number.isFinite(delay) ? delay : DELAY.default, signal);
      if (await unidist.lock.isLocked(STOP_LOCK)) {
        await show('stopped (lock held)');
        continue;
      }
      await unidist.counter.increment(COUNTER);
      await show('running');
    }
  };

  try {
    await Promise.all([stopSwitch(), poller()]);
  } catch (e) {
    if (!signal.aborted) throw e;
  } finally {
    await held?.release().catch(() => false);
  }
  return {};
};

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
