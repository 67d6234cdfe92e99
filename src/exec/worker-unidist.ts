/**
 * ctx.unidist inside a worker: the unidist remote client over this worker's channel to the runner.
 */
import type { BroadcastChannel } from 'node:worker_threads';
import { connectUnidist } from '../unidist/remote/client.js';
import type { UnidistEndpoint } from '../unidist/remote/protocol.js';
import type { Unidist } from '../unidist/types.js';

export function connectWorkerUnidist(channel: BroadcastChannel): Unidist {
  return connectUnidist(channel as unknown as UnidistEndpoint);
}
