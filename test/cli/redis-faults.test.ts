/**
 * Faults with the Redis back end, through the real CLI and a real redis-server (SPEC §5):
 * Redis going away mid-run and coming back, a lock holder frozen (SIGSTOP) past its TTL, and
 * start-up with a bad URL, a refused connection or a wrong password. Synchronised on log lines
 * and queue messages, never on time.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnidist } from '../../src/unidist/index.js';
import type { Unidist } from '../../src/unidist/types.js';
import { repoRoot, runCli, startCli, type RunningCli } from '../helpers/cli.js';
import { startRedisServer, uniquePrefix, type RedisServer } from '../helpers/redis-server.js';
import { requireSystemTool } from '../helpers/system-tool.js';

const haveRedis = requireSystemTool('redis-server', ['--version'], 'the Redis fault tests');
const fx = (name: string): string => path.join(repoRoot, 'test', 'fixtures', 'redis', name);

/** Lines of `text` matching `re`. */
const count = (text: string, re: RegExp): number => text.split('\n').filter((l) => re.test(l)).length;

describe.runIf(haveRedis)('Redis faults', () => {
  let redis: RedisServer;
  const clients: Unidist[] = [];
  const procs: RunningCli[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const p of procs) {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        p.child.kill('SIGCONT');
        p.child.kill('SIGKILL');
      }
    }
    await Promise.all(clients.map((u) => u.close()));
    await redis?.stop();
  });

  it('start-up: a bad URL, a refused connection and a wrong password each exit 2 with a clear, coded message', async () => {
    const admin = await createUnidist({ backend: 'redis', url: redis.url, prefix: uniquePrefix('acl') });
    clients.push(admin);
    const block = fx('worker.yaml');
    const args = ['--mode', 'inc', '--n', '1'];
    const bad = await runCli(['--unidist', 'redis//localhost:6379', block, ...args]);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/PB_ERR_USAGE.*--unidist/)]);
    const refused = await runCli(['--unidist', `unix://${redis.dir}/nobody-here.sock`, block, ...args]);
    expect([refused.code, refused.stderr]).toEqual([2, expect.stringMatching(/PB_ERR_UNIDIST_CONNECT.*nobody-here\.sock/)]);
    // A user with a password, on the same server (ACL); the wrong one is refused.
    const { createClient } = await import('@redis/client');
    const raw = createClient({ socket: { path: redis.socket, tls: false } });
    await raw.connect();
    await raw.sendCommand(['ACL', 'SETUSER', 'ops', 'on', '>right-one', '~*', '&*', '+@all']);
    raw.destroy();
    const wrong = await runCli(['--unidist', `${redis.url}?user=ops&password=wrong-one`, block, ...args]);
    expect([wrong.code, wrong.stderr]).toEqual([2, expect.stringMatching(/PB_ERR_UNIDIST_CONNECT/)]);
    expect(wrong.stderr).not.toContain('wrong-one'); // the password is masked
    const right = await runCli(['--unidist', `${redis.url}?user=ops&password=right-one`, '--unidist-prefix', uniquePrefix('acl'), block, ...args]);
    expect(right.code).toBe(0);
  });

  it('a lock holder frozen past its TTL (SIGSTOP) finds its token refused after it resumes', async () => {
    const prefix = uniquePrefix('frozen');
    const u = await createUnidist({ backend: 'redis', url: redis.url, prefix });
    clients.push(u);
    const holder = startCli(['--unidist', redis.url, '--unidist-prefix', prefix, fx('worker.yaml'), '--mode', 'hold']);
    procs.push(holder);
    await holder.waitFor(/holding lock token (\d+)/, 'stderr');
    holder.child.kill('SIGSTOP');
    // Its TTL (1 s, on Redis's clock) frees the lock while it is frozen; we take it then.
    const mine = (await u.lock.acquire('held', { timeout: 30_000 }))!;
    expect(mine).not.toBeNull();
    await u.state.set('s', 'by', 'the new holder', { fence: mine });
    holder.child.kill('SIGCONT');
    await u.queue.add('resume', 'go on');
    const r = await holder.done;
    expect(r.code).toBe(0);
    const { run } = JSON.parse(r.stdout) as { run: { token: number; fenced: string; released: boolean } };
    expect(run).toMatchObject({ token: mine.token - 1, fenced: 'PB_ERR_LOCK_STALE', released: false });
    expect(await u.state.get('s', 'by')).toBe('the new holder');
    expect(await mine.release()).toBe(true);
  });

  // Last: it restarts the server (its data is gone afterwards).
  it('Redis stopped and restarted mid-run: ticks fail with the coded error meanwhile, then succeed; one warning; Ctrl-C exits 0', async () => {
    const prefix = uniquePrefix('outage');
    const p = startCli(['--unidist', `${redis.url}?timeout=500ms`, '--unidist-prefix', prefix, fx('ticker.yaml')]);
    procs.push(p);
    await p.waitFor(/tick ok 3\b/, 'stderr');
    await redis.kill();
    await p.waitFor(/lost the connection to Redis/, 'stderr');
    await p.waitFor(/tick failed PB_ERR_UNIDIST_UNAVAILABLE[\s\S]*tick failed PB_ERR_UNIDIST_UNAVAILABLE/, 'stderr');
    await redis.restart();
    await p.waitFor(/reconnected to Redis/, 'stderr');
    await p.waitFor(/reconnected to Redis[\s\S]*tick ok \d+[\s\S]*tick ok \d+/, 'stderr');
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code).toBe(0);
    expect(count(r.stderr, /lost the connection to Redis/)).toBe(1);
    expect(count(r.stderr, /reconnected to Redis/)).toBe(1);
    expect(count(r.stderr, /RunThread tick failed/)).toBeGreaterThanOrEqual(2);
  });
});
