/**
 * The unidist contract (test/unidist/contract.ts), unchanged, against the Redis back end on a
 * real redis-server: directly, and through the worker-side remote client as scripts reach it.
 * Lock TTLs run on the contract's fake clock (lockClock: 'local'); redis.test.ts covers TTLs on
 * Redis's own clock.
 */
import { MessageChannel } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { createRedisUnidist } from '../../src/unidist/redis/index.js';
import { connectUnidist, serveUnidist } from '../../src/unidist/remote/index.js';
import type { Unidist } from '../../src/unidist/types.js';
import { startRedisServer, uniquePrefix, type RedisServer } from '../helpers/redis-server.js';
import { requireSystemTool } from '../helpers/system-tool.js';
import { describeUnidistContract } from './contract.js';

const haveRedis = requireSystemTool('redis-server', ['--version'], 'the Redis back-end tests');

describe.runIf(haveRedis)('Redis back end', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  // The host side of the remote variant closes after the contract's own afterEach (below).
  const hostsClosing: Promise<void>[] = [];
  afterEach(async () => {
    await Promise.all(hostsClosing.splice(0));
  });

  describeUnidistContract('redis (real redis-server)', ({ clock }) =>
    createRedisUnidist({ url: redis.url, prefix: uniquePrefix('contract'), clock, lockClock: 'local' }),
  );

  describeUnidistContract('redis through the remote client (MessageChannel)', async ({ clock }) => {
    const host = await createRedisUnidist({ url: redis.url, prefix: uniquePrefix('remote'), clock, lockClock: 'local' });
    const { port1, port2 } = new MessageChannel();
    const detach = serveUnidist(host, port1, 'contract-client');
    const client = connectUnidist(port2);
    const closeClient = client.close.bind(client);
    let closing: Promise<void> | undefined;
    // The client's close() is what the contract checks; the host (real I/O) is torn down in
    // afterEach, so the contract can attach its handlers to the waits the close rejected.
    const closeAll = (): Promise<void> =>
      (closing ??= closeClient().then(() => {
        hostsClosing.push(
          (async () => {
            detach();
            await host.close();
            port1.close();
            port2.close();
          })(),
        );
      }));
    return Object.assign(client, { close: closeAll }) as Unidist;
  });
});
