/**
 * Main-thread side of ctx.unidist: serve the runner's Unidist to one worker over its channel.
 * Returns the detach function (releases what that worker held).
 */
import type { BroadcastChannel } from 'node:worker_threads';
import { serveUnidist } from '../unidist/remote/host.js';
import type { UnidistEndpoint } from '../unidist/remote/protocol.js';
import type { Unidist } from '../unidist/types.js';

export function serveWorkerUnidist(unidist: Unidist, channel: BroadcastChannel, clientId: string): () => void {
  return serveUnidist(unidist, channel as unknown as UnidistEndpoint, clientId);
}
