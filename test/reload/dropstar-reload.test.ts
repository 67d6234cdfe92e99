/**
 * Hot reload of a block with dropSTAR pages (issue 10, done-when 3), through the real CLI and
 * real HTTP: an edited template or page script shows on the next page load, the server keeps its
 * socket, a request in flight during the swap completes on the version it started on, and
 * `/events` tells open pages about the reload. Synchronised on log lines and responses.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { startWebBlock, type WebBlock } from '../helpers/web-demo.js';
import { reloadRecords } from './helpers.js';

const tmp = tempDir('procblock-web-reload-');
afterAll(() => tmp.cleanup());
let running: WebBlock | undefined;
afterEach(() => {
  running?.cli.child.kill('SIGKILL');
  running = undefined;
});

const yaml = (slowText: string): string =>
  [
    '__usage:',
    '  name: web reload',
    '  longrunning: true',
    '  options: {port: {type: value, default: 0}}',
    'run:',
    '  - {script: steady.mjs, cache: 1, thread_id: steady}',
    'dropstar:',
    '  port: "%(port)s"',
    '  pages:',
    '    hello:',
    '      run: [{script: hello.mjs}]',
    '      template: {path: hello.html}',
    '    slow:',
    '      run: [{script: slow.mjs}]',
    `      template: {text: "<p id=slow>${slowText}</p>"}`,
    '',
  ].join('\n');

let n = 0;
function freshBlock(): { dir: string; file: string; write(name: string, text: string): void } {
  const dir = path.join(tmp.dir, `b${++n}`);
  const write = (name: string, text: string): void => writeFileSync(path.join(dir, name), text);
  mkdirSync(dir, { recursive: true });
  write('block.yaml', yaml('slow one'));
  write('steady.mjs', "export const processBlock = async (_p, _b, _r, _i, ctx) => ({ n: await ctx.unidist.counter.increment('steady') });\n");
  write('hello.mjs', "export const processBlock = async () => ({ who: 'script one' });\n");
  write('hello.html', '<p id=hello>%(who)s, file one</p>\n');
  // Waits until the file `go` exists in its folder (the test holds the request in flight so).
  write(
    'slow.mjs',
    [
      "import { existsSync } from 'node:fs';",
      "import path from 'node:path';",
      'export const processBlock = async (_p, _b, _r, _i, ctx) => {',
      "  ctx.log.info('slow page waiting for go');",
      "  while (!existsSync(path.join(ctx.cwd, 'go'))) await new Promise((r) => setTimeout(r, 5));",
      '  return {};',
      '};',
      '',
    ].join('\n'),
  );
  return { dir, file: path.join(dir, 'block.yaml'), write };
}

/** Start the block with --watch; resolves once it listens, has started and watches its files. */
async function start(b: { dir: string; file: string }): Promise<WebBlock> {
  const server = await startWebBlock(b.file, { runtimeArgs: ['--watch', '--watch-debounce', '0.05', '--state-dir', path.join(b.dir, 'state')] });
  running = server;
  await server.cli.waitFor(/Long-running block: running/, 'stderr');
  await server.cli.waitFor(/Watching \d+ file\(s\)/, 'stderr');
  return server;
}

async function waitReload(server: WebBlock, seq: number): Promise<ReturnType<typeof reloadRecords>[number]> {
  await server.cli.waitFor(new RegExp(`\\{"reload":${seq},`), 'stderr');
  return reloadRecords(server.cli.stderr()).find((r) => r.reload === seq) as ReturnType<typeof reloadRecords>[number];
}

/** Read `/events` until an event named `name` arrives; resolves with its data. */
async function nextEvent(url: string, name: string, opened: () => void): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}events?topics=counter:none`);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  opened();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`/events ended before an event ${name}`);
      text += decoder.decode(value, { stream: true });
      const m = new RegExp(`event: ${name}\\ndata: (.*)\\n\\n`).exec(text);
      if (m) return JSON.parse(m[1] as string) as Record<string, unknown>;
    }
  } finally {
    await reader.cancel();
  }
}

describe('hot reload with dropSTAR', () => {
  it('an edited template file or page script shows on the next page load, on the same socket; /events tells open pages', async () => {
    const b = freshBlock();
    const server = await start(b);
    expect(await (await fetch(`${server.url}hello`)).text()).toContain('script one, file one');

    let opened!: () => void;
    const streamOpen = new Promise<void>((r) => (opened = r));
    const event = nextEvent(server.url, 'reload', opened);
    await streamOpen;
    b.write('hello.html', '<p id=hello>%(who)s, file two</p>\n');
    expect(await waitReload(server, 1)).toMatchObject({ outcome: 'applied', kept: ['steady'] });
    expect(await event).toMatchObject({ reload: 1, outcome: 'applied', kept: ['steady'] });
    expect(await (await fetch(`${server.url}hello`)).text()).toContain('script one, file two');

    b.write('hello.mjs', "export const processBlock = async () => ({ who: 'script two' });\n");
    expect(await waitReload(server, 2)).toMatchObject({ outcome: 'applied', kept: ['steady'], restarted: [] });
    expect(await (await fetch(`${server.url}hello`)).text()).toContain('script two, file two');
    expect(server.cli.stderr().match(/dropSTAR listening on/g)).toHaveLength(1);
    expect((await server.stop()).code).toBe(0);
  });

  it('a request in flight during the swap completes on the version it started on; the next one sees the new version', async () => {
    const b = freshBlock();
    const server = await start(b);
    const inFlight = fetch(`${server.url}slow`).then((r) => r.text());
    await server.cli.waitFor(/slow page waiting for go/, 'stderr');
    b.write('block.yaml', yaml('slow two'));
    expect(await waitReload(server, 1)).toMatchObject({ outcome: 'applied', kept: ['steady'] });
    writeFileSync(path.join(b.dir, 'go'), '');
    expect(await inFlight).toContain('<p id=slow>slow one</p>');
    expect(await (await fetch(`${server.url}slow`)).text()).toContain('<p id=slow>slow two</p>');
    expect((await server.stop()).code).toBe(0);
  });

  it("refuses to move a listening server: dropstar's port is a change a running process cannot take", async () => {
    const b = freshBlock();
    const server = await start(b);
    b.write('block.yaml', yaml('slow one').replace('port: "%(port)s"', 'port: 1'));
    expect(await waitReload(server, 1)).toMatchObject({ outcome: 'refused', code: 'PB_ERR_RELOAD_REFUSED' });
    expect((await fetch(`${server.url}hello`)).status).toBe(200);
    expect((await server.stop()).code).toBe(0);
  });
});
