/**
 * Several procblock processes, through the real CLI, sharing one real redis-server (SPEC §5):
 * counters lose no increment, lock-guarded read-modify-writes lose nothing (and the same
 * without the lock does lose, so the test can fail), and a queue delivers every message to
 * exactly one blocking taker. Processes start together at a barrier (queue 'ready' / 'go'), so
 * their work overlaps. One redis-server for the file; a key prefix per test.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnidist } from '../../src/unidist/index.js';
import type { Unidist } from '../../src/unidist/types.js';
import { repoRoot, startCli, type CliResult, type RunningCli } from '../helpers/cli.js';
import { startRedisServer, uniquePrefix, type RedisServer } from '../helpers/redis-server.js';
import { requireSystemTool } from '../helpers/system-tool.js';

const haveRedis = requireSystemTool('redis-server', ['--version'], 'the Redis cross-process tests');
const worker = path.join(repoRoot, 'test', 'fixtures', 'redis', 'worker.yaml');

describe.runIf(haveRedis)('procblock processes sharing one Redis', () => {
  let redis: RedisServer;
  const clients: Unidist[] = [];
  const children: RunningCli[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
    await Promise.all(clients.map((u) => u.close()));
    await redis?.stop();
  });

  const observer = async (prefix: string): Promise<Unidist> => {
    const u = await createUnidist({ backend: 'redis', url: redis.url, prefix });
    clients.push(u);
    return u;
  };

  const start = (prefix: string, ...args: string[]): RunningCli => {
    const c = startCli(['--quiet', '--unidist', redis.url, '--unidist-prefix', prefix, worker, ...args]);
    children.push(c);
    return c;
  };

  /** Start `count` processes that meet at the barrier, release them together, await them. */
  const together = async (prefix: string, count: number, ...args: string[]): Promise<CliResult[]> => {
    const u = await observer(prefix);
    const procs = Array.from({ length: count }, () => start(prefix, ...args, '--barrier'));
    for (let i = 0; i < count; i++) expect(await u.queue.wait('ready', { timeout: 60_000 })).not.toBeUndefined();
    for (let i = 0; i < count; i++) await u.queue.add('go', i);
    return Promise.all(procs.map((p) => p.done));
  };

  const ok = (rs: CliResult[]): void => {
    for (const r of rs) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  };

  it('4 processes × 1,000 increments of one counter end at exactly 4,000', async () => {
    const prefix = uniquePrefix('inc');
    ok(await together(prefix, 4, '--mode', 'inc', '--n', '1000'));
    expect(await (await observer(prefix)).counter.get('hits')).toBe(4000);
  });

  it('4 processes doing lock-guarded read-modify-writes of one state key lose nothing', async () => {
    const prefix = uniquePrefix('rmw');
    ok(await together(prefix, 4, '--mode', 'rmw', '--n', '150'));
    expect(await (await observer(prefix)).state.get('s', 'v')).toBe(600);
  });

  it('the same read-modify-writes without the lock do lose updates (the control)', async () => {
    const prefix = uniquePrefix('rmw-control');
    ok(await together(prefix, 4, '--mode', 'rmw-unguarded', '--n', '300'));
    expect(await (await observer(prefix)).state.get('s', 'v')).toBeLessThan(1200);
  });

  it('a queue filled by one process and drained by blocking waits in three others delivers every message exactly once', async () => {
    const prefix = uniquePrefix('queue');
    const u = await observer(prefix);
    const consumers = Array.from({ length: 3 }, () => start(prefix, '--mode', 'consume'));
    for (let i = 0; i < 3; i++) expect(await u.queue.wait('consumers', { timeout: 60_000 })).not.toBeUndefined();
    const producer = start(prefix, '--mode', 'produce', '--n', '300', '--stops', '3');
    const results = await Promise.all([producer.done, ...consumers.map((c) => c.done)]);
    ok(results);
    const got = results.slice(1).map((r) => (JSON.parse(r.stdout) as { run: { got: number[] } }).run.got);
    const all = got.flat().sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 300 }, (_, i) => i));
    // Each taker saw its messages in queue order.
    for (const g of got) expect([...g].sort((a, b) => a - b)).toEqual(g);
    expect(await u.queue.count('jobs')).toBe(0);
  });
});
