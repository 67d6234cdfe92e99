/**
 * Ctrl-C on a serving block (SPEC §7, issue 9 point 3): with 20 requests in flight and 10
 * `/events` streams open, SIGINT stops accepting connections, ends the streams, lets the 20
 * requests finish, exits 0, and the time-series file holds every sample the RunThread produced,
 * including those of ticks during the drain. The requests wait for a unidist lock that a list
 * of the block holds until the test creates a file: synchronised on the server's own state
 * (`/healthz`), its log lines and files, never on sleeps.
 */
import { writeFileSync, cpSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { RrdFile } from '../../dist/timeseries/rrd/index.js';
import { repoRoot, tempDir } from '../helpers/cli.js';
import { startWebBlock } from '../helpers/web-demo.js';

const tmp = tempDir('procblock-web-shutdown-');
afterAll(() => tmp.cleanup());

interface Reply {
  readonly status: number;
  readonly body: string;
}

/** A GET on its own connection; `opened` resolves at the response headers, `done` at its end. */
function request(url: string): { opened: Promise<void>; done: Promise<Reply> } {
  let opened!: () => void;
  const openedP = new Promise<void>((r) => (opened = r));
  const done = new Promise<Reply>((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          body += d;
          opened();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
  return { opened: openedP, done };
}

it('SIGINT with 20 requests in flight and 10 /events streams: requests complete, streams end, exit 0, every sample kept', async () => {
  const dir = path.join(tmp.dir, 'shutdown');
  cpSync(path.join(repoRoot, 'test', 'fixtures', 'web', 'shutdown'), dir, { recursive: true });
  const server = await startWebBlock(path.join(dir, 'shutdown.yaml'), { runtimeArgs: ['--log-level', 'debug'] });
  await server.cli.waitFor(/gate closed[^]*(?:sample written[^]*){3}/, 'stderr');

  const streams = Array.from({ length: 10 }, () => request(`${server.url}events`));
  await Promise.all(streams.map((s) => s.opened));
  const calls = Array.from({ length: 20 }, () => request(`${server.url}rpc/gate`).done);
  await expect
    .poll(async () => (await (await fetch(`${server.url}healthz`)).json()) as Record<string, number>, { timeout: 30_000 })
    .toMatchObject({ requests_in_flight: 20, event_streams: 10 });

  server.cli.child.kill('SIGINT');
  await server.cli.waitFor(/dropSTAR stopping: 20 request\(s\) in flight, 10 \/events stream\(s\) ended/, 'stderr');
  for (const s of await Promise.all(streams.map((x) => x.done))) {
    expect(s.status).toBe(200);
    expect(s.body).toMatch(/event: bye\ndata: \{\}\n\n$/);
  }
  // No new connections while the requests in flight finish; RunThreads still tick meanwhile.
  await expect(fetch(`${server.url}healthz`)).rejects.toThrow();
  await server.cli.waitFor(/SIGINT received[^]*sample written/, 'stderr');

  writeFileSync(path.join(dir, 'release'), '');
  const replies = await Promise.all(calls);
  expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
  for (const r of replies) expect(JSON.parse(r.body)).toEqual({ answer: 'released' });

  const result = await server.cli.done;
  expect(result.code).toBe(0);
  const err = result.stderr;

  // Every tick's sample is in the file: values 1..N in order, the file's last update is the last one.
  const samples = [...err.matchAll(/sample written \{[^\n]*"time":([0-9.]+),"values":\{"n":(\d+)\}/g)].map((m) => ({ time: Number(m[1]), n: Number(m[2]) }));
  expect(samples.length).toBeGreaterThan(3);
  expect(samples.map((x) => x.n)).toEqual(samples.map((_x, i) => i + 1));
  const written = /Time series \S+ticks\.rrd: (\d+) sample\(s\) written/.exec(err);
  expect(Number(written?.[1])).toBe(samples.length);
  // Ticks went on while the requests drained, and were written too.
  expect(err.indexOf('sample written', err.indexOf('SIGINT received'))).toBeGreaterThan(0);
  const rrd = await RrdFile.open(path.join(dir, 'data', 'ticks.rrd'));
  try {
    const info = rrd.info();
    expect(info.lastUpdate + info.lastUpdateUsec / 1e6).toBeCloseTo((samples.at(-1) as { time: number }).time, 5);
  } finally {
    await rrd.close();
  }
}, 90_000);
