/**
 * demos/continuous (SPEC §9, the blog's continuous-testing example) run as a user runs it, with
 * its intervals shortened (5 s → 0.25 s checks, 15 s → 1 s `for`) so the test takes seconds:
 * the block starts its web server, the check's answers turn slow (delay.txt), the alert fires
 * after `for` and its procedure opens an incident file, the answers turn fast, the incident is
 * resolved; the response times and the derived series are collected and graphed.
 * Synchronised on log lines, never on sleeps.
 */
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RrdFile } from '../../dist/timeseries/rrd/index.js';
import { repoRoot, startCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir('procblock-continuous-');
afterAll(() => tmp.cleanup());

describe('demos/continuous/continuous.yaml', () => {
  it('fires on slow answers, opens an incident, resolves it; collects and graphs the checks and the derived series', async () => {
    const dir = path.join(tmp.dir, 'continuous');
    cpSync(path.join(repoRoot, 'demos', 'continuous'), dir, { recursive: true, filter: (src) => !/\.(rrd|png|port)$|\.procblock|incidents|delay\.txt/.test(src) });
    const file = path.join(dir, 'continuous.yaml');
    const yaml = readFileSync(file, 'utf8');
    const fast = yaml.replace(/cache: 5\b/g, 'cache: 0.25').replace(/interval: 5\b/g, 'interval: 1').replace('for: 15s', 'for: 1s').replace('avg(web.ms, 1m)', 'avg(web.ms, 5s)');
    expect(fast.match(/cache: 0\.25/g)).toHaveLength(2);
    writeFileSync(file, fast);
    // Fast answers unless delay.txt says otherwise (the cycle is pushed far away).
    const p = startCli(['--log-level', 'debug', file], { cwd: dir, env: { CONTINUOUS_FAST_S: '3600', CONTINUOUS_SLOW_S: '1' } });
    await p.waitFor(/Long-running block/, 'stderr');
    // A dozen fast checks first (the alert waits for 10 answered ones anyway).
    await p.waitFor(/(?:sample written \{"file":"[^"]*web\.rrd"[^]*?){12}/, 'stderr');
    writeFileSync(path.join(dir, 'delay.txt'), '260');
    await p.waitFor(/alert web\/slow: pending → firing/, 'stderr');
    await p.waitFor(/alert web\/slow \(firing\): procedure finished/, 'stderr');
    const incidents = readdirSync(path.join(dir, 'incidents'));
    expect(incidents).toHaveLength(1);
    const incident = path.join(dir, 'incidents', incidents[0] as string);
    expect(readFileSync(incident, 'utf8')).toMatch(/^# Incident: web\/slow\n\n- opened: .*\n- checks under 200 ms \(last 20\): \d+%; the goal is 80%/);

    rmSync(path.join(dir, 'delay.txt'));
    await p.waitFor(/alert web\/slow: firing → resolved/, 'stderr');
    await p.waitFor(/alert web\/slow \(resolved\): procedure finished/, 'stderr');
    // The derived series (its own thread, ticking on its own) shows the recovery too.
    await p.waitFor(/firing → resolved[^]*sample written \{"file":"[^"]*sla\.rrd"[^\n]*"fast_pct":(9\d|100)\b/, 'stderr');
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code).toBe(0);

    const text = readFileSync(incident, 'utf8');
    expect(text.match(/^- resolved: .* \((9\d|100)% of the last 20 checks under 200 ms\)$/m)).not.toBeNull();
    expect(readdirSync(path.join(dir, 'incidents'))).toHaveLength(1);
    expect(r.stderr.match(/alert web\/slow: \S+ → \S+/g)).toEqual(['alert web/slow: ok → pending', 'alert web/slow: pending → firing', 'alert web/slow: firing → resolved']);

    for (const png of ['web.png', 'sla.png']) expect(existsSync(path.join(dir, png))).toBe(true);
    // The derived series as written to sla.rrd (debug log): the slow stretch, then the recovery.
    const written = [...r.stderr.matchAll(/sample written (\{"file":"[^"]*sla\.rrd"[^\n]*\})/g)].map((m) => (JSON.parse(m[1] as string) as { values: { fast_pct: number | null } }).values.fast_pct);
    const known = written.filter((x): x is number => x !== null);
    expect(Math.min(...known)).toBeLessThan(80);
    expect(Math.max(...known.slice(known.indexOf(Math.min(...known))))).toBeGreaterThanOrEqual(90);
    const sla = await RrdFile.open(path.join(dir, 'sla.rrd'), { readOnly: true });
    try {
      expect(sla.info().ds.map((d) => d.name)).toEqual(['fast_pct', 'avg_ms', 'up_pct']);
    } finally {
      await sla.close();
    }
  });
});
