/**
 * The web test site (test/fixtures/web/site) run in this process by a real runtime (real worker
 * threads, real unidist, a real listening server on a free loopback port), from the built
 * package. Tests talk to it through `site.app.request()` where no socket is needed, and through
 * `url` where one is. The copy gets what git cannot hold: symlinks and a `.git` folder.
 */
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkBlock } from '../../dist/config/index.js';
import { createLogger, type LogRecord } from '../../dist/core/logger.js';
import { Runtime } from '../../dist/runtime/runtime.js';
import type { WebRuntime } from '../../dist/runtime/web-host.js';
import { createDropstarHost, type DropstarHost } from '../../dist/web/host.js';
import type { DropstarSite } from '../../dist/web/site.js';
import { repoRoot, tempDir } from '../helpers/cli.js';

export interface RunningSite {
  readonly dir: string;
  readonly runtime: Runtime;
  readonly view: WebRuntime;
  readonly host: DropstarHost;
  readonly url: string;
  readonly logs: LogRecord[];
  site(): DropstarSite;
  close(): Promise<void>;
}

export async function startTestSite(): Promise<RunningSite> {
  const tmp = tempDir('procblock-web-');
  const dir = path.join(tmp.dir, 'site');
  cpSync(path.join(repoRoot, 'test', 'fixtures', 'web', 'site'), dir, { recursive: true });
  const statics = path.join(dir, 'static');
  symlinkSync('../secret.txt', path.join(statics, 'link-out.txt'));
  symlinkSync('hello.txt', path.join(statics, 'link-in.txt'));
  symlinkSync('.hidden', path.join(statics, 'link-hidden.txt'));
  symlinkSync('..', path.join(statics, 'up'));
  mkdirSync(path.join(statics, '.git'));
  writeFileSync(path.join(statics, '.git', 'config'), '[core]\n');

  const logs: LogRecord[] = [];
  let host: DropstarHost | undefined;
  let view: WebRuntime | undefined;
  const runtime = await Runtime.create({
    logger: createLogger((r) => logs.push(r), 'debug'),
    web: (v) => {
      view = v;
      host = createDropstarHost(v);
      return host;
    },
  });
  const block = await checkBlock(path.join(dir, 'site.yaml'));
  await runtime.run(block, { inputData: { port: '0', args: [] } });
  const h = host as DropstarHost;
  const server = h.current;
  if (!server) throw new Error('the dropstar tag did not start a server');
  return {
    dir,
    runtime,
    view: view as WebRuntime,
    host: h,
    url: server.url,
    logs,
    site: () => server.currentSite,
    async close() {
      await runtime.stop('test finished');
      tmp.cleanup();
    },
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Send `head` (request line and headers, without the final blank line) and `body` as written, over a new connection. */
export async function rawRequest(url: string, head: string, body = ''): Promise<RawResponse> {
  const { connect } = await import('node:net');
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(u.port), u.hostname);
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (data += d));
    socket.on('error', reject);
    socket.on('close', () => {
      const [headText = '', ...rest] = data.split('\r\n\r\n');
      const [statusLine = '', ...lines] = headText.split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      const raw = rest.join('\r\n\r\n');
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: headers['transfer-encoding'] === 'chunked' ? dechunk(raw) : raw });
    });
    socket.write(`${head}\r\nConnection: close\r\n\r\n${body}`, 'latin1');
  });
}

function dechunk(raw: string): string {
  let out = '';
  let rest = raw;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, eol), 16);
    if (!(size > 0)) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}
