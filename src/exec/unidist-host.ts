/**
 * Main-thread side of ctx.unidist: serve the runner's Unidist to one worker over its channel.
 * Returns the detach function (releases what that worker held).
 */
import type { BroadcastChannel } from 'node:worker_threads';
import type { Unidist } from '../unidist/types.js';

type Serve = (unidist: Unidist, endpoint: unknown, clientId: string) => () => void;
// TEMPORARY: a variable specifier until src/unidist/remote lands (another engineer's module).
const REMOTE: string = '../unidist/remote/host.js';
let serve: Serve | undefined;
try {
  serve = ((await import(REMOTE)) as { serveUnidist?: Serve }).serveUnidist;
} catch {
  serve = undefined;
}

export function serveWorkerUnidist(unidist: Unidist, channel: BroadcastChannel, clientId: string): () => void {
  return serve ? serve(unidist, channel, clientId) : () => undefined;
}
