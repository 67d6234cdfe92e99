/**
 * demos/pushpull across two processes sharing one real redis-server (SPEC §5, README): one runs
 * the pusher, the other the puller; what was pushed is pulled or still queued, nothing else.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnidist } from '../../src/unidist/index.js';
import { repoRoot, startCli, type RunningCli } from '../helpers/cli.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { requireSystemTool } from '../helpers/system-tool.js';
import { expectPushpullBalanced } from './pushpull-check.js';

const haveRedis = requireSystemTool('redis-server', ['--version'], 'the two-process pushpull demo test');
const block = path.join(repoRoot, 'demos', 'pushpull', 'pushpull.yaml');

describe.runIf(haveRedis)('demos/pushpull in two processes on one Redis', () => {
  let redis: RedisServer;
  const procs: RunningCli[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await redis?.stop();
  });

  it('the puller process drains what the pusher process pushes; Ctrl-C stops both with exit 0', async () => {
    const pusher = startCli(['--unidist', redis.url, block, '--role', 'pusher']);
    const puller = startCli(['--unidist', redis.url, block, '--role', 'puller']);
    procs.push(pusher, puller);
    // Two pulls after the first: the puller drained messages the other process pushed meanwhile.
    await puller.waitFor(/pulled \d+ message\(s\)[^]*pulled \d+ message\(s\)[^]*pulled [1-9]\d* message\(s\)/, 'stderr');
    for (const p of [pusher, puller]) p.child.kill('SIGINT');
    const [rPush, rPull] = await Promise.all([pusher.done, puller.done]);
    expect([rPush.code, rPull.code]).toEqual([0, 0]);
    expect(JSON.parse(rPush.stdout)).toMatchObject({ run: { 'run_thread.pusher': { id: 'pusher' } } });
    expect(JSON.parse(rPull.stdout)).toMatchObject({ run: { 'run_thread.puller': { id: 'puller' } } });

    // The default key prefix comes from the block name, so both processes shared it.
    await expectPushpullBalanced(await createUnidist({ backend: 'redis', url: redis.url, prefix: 'procblock:pushpull' }));
  }, 60_000);
});
