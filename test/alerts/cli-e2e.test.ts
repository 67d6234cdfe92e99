/**
 * Alerts end to end through the real CLI (SPEC §9; done-when 3): a RunThread whose value comes
 * from a file crosses the threshold, the alert fires after `for`, its shell procedure writes the
 * incident file once, it resolves when the value comes back; the story is in the log and on the
 * event stream (`--metrics` … `/events`). A restart while firing does not notify again.
 * Synchronised on log lines and events, never on sleeps.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, startCli, tempDir, type RunningCli } from '../helpers/cli.js';

const tmp = tempDir('procblock-alert-e2e-');
afterAll(() => tmp.cleanup());
const fixtures = path.join(repoRoot, 'test', 'fixtures', 'alerts');

interface Sse {
  readonly events: { type: string; data: Record<string, unknown> }[];
  waitFor(test: (e: { type: string; data: Record<string, unknown> }) => boolean): Promise<void>;
  close(): void;
}

/** Follow `/events`: every event parsed, `waitFor` resolves on the first match (past or future). */
async function follow(url: string): Promise<Sse> {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal });
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: Sse['events'] = [];
  const waiters: { test: (e: Sse['events'][number]) => boolean; resolve: () => void }[] = [];
  void (async () => {
    const reader = (res.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += value;
        let cut;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const type = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (!type || !data) continue;
          const e = { type, data: JSON.parse(data) as Record<string, unknown> };
          events.push(e);
          for (const w of [...waiters]) {
            if (!w.test(e)) continue;
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve();
          }
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return {
    events,
    waitFor: (test) => (events.some(test) ? Promise.resolve() : new Promise((resolve) => waiters.push({ test, resolve }))),
    close: () => controller.abort(),
  };
}

async function start(dir: string, stateDir: string): Promise<{ cli: RunningCli; sse: Sse }> {
  const cli = startCli(['--metrics', '127.0.0.1:0', '--state-dir', stateDir, path.join(dir, 'threshold.yaml')], { cwd: dir });
  await cli.waitFor(/Metrics: (http:\/\/[^/\s]+)\/metrics/, 'stderr');
  const base = (/Metrics: (http:\/\/[^/\s]+)\/metrics/.exec(cli.stderr()) as RegExpExecArray)[1] as string;
  const sse = await follow(`${base}/events`);
  return { cli, sse };
}

const alertIs = (to: string) => (e: { type: string; data: Record<string, unknown> }) => e.type === 'alert' && e.data.to === to;

describe('an alert through the real CLI', () => {
  it('fires after `for`, runs its procedure once, resolves, survives a restart without re-notifying', async () => {
    const dir = path.join(tmp.dir, 'block');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    for (const f of ['threshold.yaml', 'value.mjs']) copyFileSync(path.join(fixtures, f), path.join(dir, f));
    const stateDir = path.join(dir, 'state');
    const value = (v: number): void => writeFileSync(path.join(dir, 'value.txt'), String(v));
    const incidents = (): string[] => (existsSync(path.join(dir, 'incident.log')) ? readFileSync(path.join(dir, 'incident.log'), 'utf8').trim().split('\n') : []);
    value(50);

    const first = await start(dir, stateDir);
    await first.sse.waitFor((e) => e.type === 'tick' && e.data.thread === 'probe');
    value(150);
    await first.sse.waitFor(alertIs('firing'));
    await first.cli.waitFor(/alert probe\/high \(firing\): procedure finished/, 'stderr');
    expect(incidents()).toEqual(['firing 150']);

    const pending = first.sse.events.find(alertIs('pending'))?.data as { since: number };
    const firing = first.sse.events.find(alertIs('firing'))?.data as { since: number };
    expect(firing.since - pending.since).toBeGreaterThanOrEqual(1000); // `for: 1s` held first (epoch ms)
    expect(firing).toMatchObject({ thread: 'probe', alert: 'high', from: 'pending', notify: 'firing', value: 150 });

    // `procblock status` shows the alert (the status file is rewritten within a second of a change:
    // asked again until it says so, a bounded number of times).
    const firingLine = /^ {4}probe\/high: firing since \d+s ago \(value 150\)$/m;
    let status = await runCli(['status', '--state-dir', stateDir, path.join(dir, 'threshold.yaml')]);
    for (let i = 0; i < 30 && !firingLine.test(status.stdout); i++) status = await runCli(['status', '--state-dir', stateDir, path.join(dir, 'threshold.yaml')]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(firingLine);

    // Restart while firing: the state comes back, nothing is notified again.
    first.sse.close();
    first.cli.child.kill('SIGINT');
    expect((await first.cli.done).code).toBe(0);
    expect(JSON.parse(readFileSync(`${stateDir}.alerts.json`, 'utf8'))).toMatchObject({ alerts: [{ thread: 'probe', alert: 'high', state: 'firing' }] });

    const second = await start(dir, stateDir);
    await second.cli.waitFor(/alert probe\/high: still firing since .* \(restored; not notified again\)/, 'stderr');
    await second.sse.waitFor((e) => e.type === 'tick' && e.data.thread === 'probe');
    value(10);
    await second.sse.waitFor(alertIs('resolved'));
    await second.cli.waitFor(/alert probe\/high \(resolved\): procedure finished/, 'stderr');
    second.sse.close();
    second.cli.child.kill('SIGINT');
    const r2 = await second.cli.done;
    expect(r2.code).toBe(0);

    expect(incidents()).toEqual(['firing 150', expect.stringMatching(/^resolved \d+(\.\d+)?$/)]);
    // The story, one line per transition, in order, across both runs.
    const story = (first.cli.stderr() + r2.stderr).match(/alert probe\/high: (ok → pending|pending → firing|firing → resolved|pending → ok)/g);
    expect(story).toEqual(['alert probe/high: ok → pending', 'alert probe/high: pending → firing', 'alert probe/high: firing → resolved']);
    expect(second.sse.events.filter((e) => e.type === 'alert').map((e) => `${e.data.from}→${e.data.to}:${e.data.notify ?? ''}`)).toEqual(['firing→resolved:resolved']);
  });
});
