// The peers of bench/dropstar.bench.mjs, each run as its own process like the procblock server:
//   node bench/dropstar-peers.mjs hono   a bare Hono app on @hono/node-server answering
//                                        /rpc/data and /page with the same JSON and HTML
//                                        dropSTAR returns, and /rpc/data-headers with that JSON
//                                        and dropSTAR's security headers too (all given on
//                                        stdin as JSON first); /rpc/noop-task answers the same
//                                        JSON after awaiting a no-op task in a piscina pool (one
//                                        thread per core, 16 tasks at once per thread, as
//                                        procblock's script runner): the floor of "one
//                                        worker-thread call per request" with this framework
//   node bench/dropstar-peers.mjs sse    a bare node:http Server-Sent Events broadcaster: every
//                                        TICK_MS, one `tick` event carrying the send time to
//                                        every open /events connection
// Each prints `listening <url>` on stdout once ready.
import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { Piscina } from 'piscina';

const mode = process.argv[2];

if (mode === 'hono') {
  let body = '';
  for await (const chunk of process.stdin) body += chunk;
  const { json, html, headers } = JSON.parse(body);
  const app = new Hono();
  app.get('/rpc/data', (c) => c.json(json));
  app.get('/rpc/data-headers', (c) => c.json(json, 200, headers));
  app.get('/page', (c) => c.html(html));
  const taskFile = join(mkdtempSync(join(tmpdir(), 'pb-peer-')), 'noop-task.mjs');
  writeFileSync(taskFile, 'export default function noop() { return {}; }\n');
  const pool = new Piscina({
    filename: taskFile,
    maxThreads: availableParallelism(),
    concurrentTasksPerWorker: 16,
  });
  app.get('/rpc/noop-task', async (c) => {
    await pool.run({ method: c.req.method, path: c.req.path });
    return c.json(json);
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
    console.log(`listening http://127.0.0.1:${info.port}/`);
  });
  process.on('SIGINT', () => server.close(() => process.exit(0)));
} else if (mode === 'sse') {
  const tickMs = Number(process.env.TICK_MS ?? 500);
  const clients = new Set();
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/events')) {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' });
      res.write('retry: 3000\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
    } else {
      res.writeHead(404).end();
    }
  });
  setInterval(() => {
    const bytes = Buffer.from(`event: tick\ndata: ${JSON.stringify({ thread: 'sender', fields: { sent: Date.now() } })}\n\n`);
    for (const c of clients) c.write(bytes);
  }, tickMs);
  server.listen(0, '127.0.0.1', () => console.log(`listening http://127.0.0.1:${server.address().port}/`));
  process.on('SIGINT', () => process.exit(0));
} else {
  console.error('usage: node bench/dropstar-peers.mjs hono|sse');
  process.exit(2);
}
