/**
 * ctx.unidist inside a worker: the unidist remote client (src/unidist/remote) over this worker's
 * channel to the runner. Loaded lazily so a worker boots without waiting for it.
 */
import type { BroadcastChannel } from 'node:worker_threads';
import { RuntimeFailure } from '../core/errors.js';
import type { Unidist } from '../unidist/types.js';

type Connect = (endpoint: unknown) => Unidist;
// TEMPORARY: a variable specifier until src/unidist/remote lands (another engineer's module).
const REMOTE: string = '../unidist/remote/client.js';

export async function connectWorkerUnidist(channel: BroadcastChannel): Promise<Unidist> {
  let connect: Connect | undefined;
  try {
    connect = ((await import(REMOTE)) as { connectUnidist?: Connect }).connectUnidist;
  } catch {
    connect = undefined;
  }
  if (connect) return connect(channel);
  return unavailable();
}

function unavailable(): Unidist {
  const fail = (): never => {
    throw new RuntimeFailure('PB_ERR_UNIDIST', 'ctx.unidist is not available in this build (src/unidist/remote missing)');
  };
  const handler: ProxyHandler<object> = { get: (_t, p) => (p === 'then' ? undefined : new Proxy(fail, handler)), apply: fail };
  return new Proxy({}, handler) as Unidist;
}
