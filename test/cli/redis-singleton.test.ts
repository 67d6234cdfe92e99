/**
 * `singleton: true` across processes (SPEC §5 "Cluster-safe RunThreads"), through the real CLI
 * on one real redis-server: three processes run the same block, whose RunThread ticks every
 * 0.5 s; every slot must run in exactly one of them. Then the process that ran the latest slot
 * is killed with SIGKILL, and the next slots must still run exactly once, in the survivors.
 *
 * The block's script pushes `{slot, pid}` onto the queue 'ran' (slot = its tick's slot time,
 * from `run_thread_tick`), and each slot's claim is visible as the lock `__slot:beat:<ms>` (its
 * owner names the process) for a minute after the slot: the test reads both, synchronising on
 * the queue, never on time. A slot no process claimed is accepted only when every live process
 * says (debug log) that its timer fired after that slot had passed — a stalled machine, when ticks
 * are skipped, never queued — and those must stay a minority.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnidist } from '../../src/unidist/index.js';
import type { Unidist } from '../../src/unidist/types.js';
import { repoRoot, startCli, type RunningCli } from '../helpers/cli.js';
import { startRedisServer, uniquePrefix, type RedisServer } from '../helpers/redis-server.js';
import { requireSystemTool } from '../helpers/system-tool.js';

const haveRedis = requireSystemTool('redis-server', ['--version'], 'the Redis singleton test');
const block = path.join(repoRoot, 'test', 'fixtures', 'redis', 'singleton.yaml');
const INTERVAL_MS = 500;

interface Ran {
  readonly slot: number;
  readonly pid: number;
}

/** Slot times (s) a process's RunThread `beat` passed because its timer fired late (debug log). */
function passedSlots(stderr: string): Set<number> {
  const out = new Set<number>();
  for (const m of stderr.matchAll(/RunThread ticks skipped: the timer fired late (\{[^\n]*\})/g)) {
    const f = JSON.parse(m[1] as string) as { id: string; firstMs: number; lastMs: number };
    if (f.id !== 'beat') continue;
    for (let t = f.firstMs; t <= f.lastMs + 1e-6; t += INTERVAL_MS) out.add(Math.round(t) / 1000);
  }
  return out;
}

describe.runIf(haveRedis)('singleton RunThreads across 3 processes', () => {
  let redis: RedisServer;
  let u: Unidist;
  const procs: RunningCli[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await u?.close();
    await redis?.stop();
  });

  it('each slot runs in exactly one process, also after the one that ran the last slot is killed', async () => {
    const prefix = uniquePrefix('singleton');
    u = await createUnidist({ backend: 'redis', url: redis.url, prefix });
    // Debug logs: a process whose timer fired late says which slots it passed.
    for (let i = 0; i < 3; i++) procs.push(startCli(['--log-level', 'debug', '--unidist', redis.url, '--unidist-prefix', prefix, block]));
    await Promise.all(procs.map((p) => p.waitFor(/"run_thread\.beat"/, 'stdout')));

    const ran: Ran[] = [];
    const next = async (): Promise<Ran> => {
      const r = (await u.queue.wait<Ran>('ran', { timeout: 30_000 }))!;
      expect(r).toBeDefined();
      ran.push(r);
      return r;
    };
    // Slots from when all three run; 20 of them.
    let r = await next();
    const firstSlot = r.slot + INTERVAL_MS / 1000;
    while (ran.filter((x) => x.slot >= firstSlot).length < 20) r = await next();

    // SIGKILL the process that ran the latest slot.
    const victim = procs.find((p) => p.child.pid === r.pid)!;
    expect(victim).toBeDefined();
    victim.child.kill('SIGKILL');
    expect((await victim.done).signal).toBe('SIGKILL');
    const killedAfter = r.slot;
    while (ran.filter((x) => x.slot > killedAfter).length < 8) await next();

    const survivors = procs.filter((p) => p !== victim);
    for (const p of survivors) p.child.kill('SIGINT');
    for (const p of survivors) expect((await p.done).code).toBe(0);
    // Anything still queued (ticks that ran while we stopped them).
    for (let m = await u.queue.oldest<Ran>('ran'); m !== undefined; m = await u.queue.oldest<Ran>('ran')) ran.push(m);

    // Exactly once: no slot ran twice, in the whole run.
    const slots = ran.map((x) => x.slot);
    expect(new Set(slots).size).toBe(slots.length);

    // Every slot from the first to the last was claimed by exactly one process, and ran there —
    // except at most one slot the killed process had claimed in the instant it died.
    const claims = new Map<number, string>();
    for (const l of await u.lock.list()) {
      const m = /^__slot:beat:(\d+)$/.exec(l.name);
      if (m) claims.set(Number(m[1]) / 1000, l.owner ?? '');
    }
    const lastSlot = Math.max(...slots);
    const ranAt = new Map(ran.map((x) => [x.slot, x.pid]));
    const victimPid = victim.child.pid!;
    let lostToTheKill = 0;
    let passedEverywhere = 0;
    for (let s = firstSlot; s <= lastSlot + 1e-9; s = Math.round((s + INTERVAL_MS / 1000) * 1000) / 1000) {
      const owner = claims.get(s);
      if (owner === undefined) {
        // Unclaimed: only a slot every live process passed (their timers all fired after the
        // next slot was due — a stalled machine; ticks are skipped, never queued, SPEC §4).
        const alive = s <= killedAfter ? procs : survivors;
        for (const p of alive) expect(passedSlots(p.stderr()).has(s), `slot ${s}: unclaimed, yet pid ${p.child.pid} did not pass it`).toBe(true);
        passedEverywhere++;
        continue;
      }
      const pid = Number(owner!.split('@')[0]);
      if (ranAt.has(s)) expect(ranAt.get(s)).toBe(pid);
      else {
        expect(pid).toBe(victimPid);
        lostToTheKill++;
      }
    }
    expect(lostToTheKill).toBeLessThanOrEqual(1);
    expect(passedEverywhere).toBeLessThan(10); // most slots ran: the test measured something
    // After the kill, only the survivors ran slots.
    expect(ran.filter((x) => x.slot > killedAfter + INTERVAL_MS / 1000).every((x) => x.pid !== victimPid)).toBe(true);
  });
});
