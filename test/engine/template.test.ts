import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProcblockError } from '../../src/core/errors.js';
import { processMapping } from '../../src/engine/process-block.js';
import { fillTemplate } from '../../src/engine/template-fill.js';
import { pureServices } from './helpers.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('fillTemplate', () => {
  it('fills %(key)s from pipe data with dot paths and list indexes', () => {
    const out = fillTemplate('Host %(host)s port %(cfg.port)s last %(xs.-1)s', { host: 'web1', cfg: { port: 80 }, xs: [1, 2, 3] });
    expect(out).toEqual({ text: 'Host web1 port 80 last 3', missing: [] });
  });

  it('supports d/f/r conversions and %% escapes; leaves other % alone', () => {
    const out = fillTemplate('%(n)d|%(n)f|%(o)r|%(o)s|100%%|50% off', { n: 2.5, o: { a: 'b' } });
    expect(out.text).toBe('2|2.500000|{"a":"b"}|{"a":"b"}|100%|50% off');
  });

  it('fills missing keys with "" and reports them once', () => {
    expect(fillTemplate('[%(a)s][%(a)s][%(b.c)s]', { b: {} })).toEqual({ text: '[][][]', missing: ['a', 'b.c'] });
  });

  it('reads flat keys that contain dots', () => {
    expect(fillTemplate('%(run_thread.x)s', { 'run_thread.x': 'yes' }).text).toBe('yes');
  });

  it('HTML templates escape every value; %(key|raw)s is the one raw form (a no-op in text templates)', () => {
    const data = { v: `<a href="x" onclick='y'>&</a>`, n: 5, o: { k: '<' } };
    expect(fillTemplate('%(v)s|%(n)d|%(o)r|%(v|raw)s', data, 'html').text).toBe(
      `&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;|5|{&quot;k&quot;:&quot;&lt;&quot;}|<a href="x" onclick='y'>&</a>`,
    );
    expect(fillTemplate('%(v)s|%(v|raw)s', data).text).toBe(`${data.v}|${data.v}`);
    expect(fillTemplate('[%(gone|raw)s]', {}, 'html')).toEqual({ text: '[]', missing: ['gone'] });
  });
});

describe('template tag', () => {
  it('fills text after run and set tags (priority 900)', async () => {
    const { services } = pureServices();
    const { result } = await processMapping({ template: { text: 'Hello %(who)s' }, 'set who': 'ops' }, { services });
    expect(result).toEqual({ template: 'Hello ops' });
  });

  it('reads a template file relative to the YAML file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pb-engine-tpl-'));
    dirs.push(dir);
    await mkdir(path.join(dir, 'pages'));
    await writeFile(path.join(dir, 'pages', 'page.html'), '<h1>%(title)s</h1>');
    const { services } = pureServices();
    const { result } = await processMapping({ page: { template: { path: 'pages/page.html' }, __return_tag: 'template' } }, {
      services,
      inputData: { title: 'Status' },
      file: path.join(dir, 'site.yaml'),
    });
    expect(result).toEqual({ page: '<h1>Status</h1>' });
    // A .html file escapes its values, from the CLI too.
    const { result: escaped } = await processMapping({ page: { template: { path: 'pages/page.html' }, __return_tag: 'template' } }, {
      services,
      inputData: { title: '<i>S</i>' },
      file: path.join(dir, 'site.yaml'),
    });
    expect(escaped).toEqual({ page: '<h1>&lt;i&gt;S&lt;/i&gt;</h1>' });
  });

  it('escapes text templates when the processing renders a web page (htmlTemplates)', async () => {
    const { services } = pureServices();
    const mapping = { template: { text: '<p>%(who)s</p>' } };
    const page = await processMapping(mapping, { services, inputData: { who: '<script>' }, htmlTemplates: true });
    expect(page.result).toEqual({ template: '<p>&lt;script&gt;</p>' });
    const cli = await processMapping(mapping, { services, inputData: { who: '<script>' } });
    expect(cli.result).toEqual({ template: '<p><script></p>' });
  });

  it('warns about missing placeholders', async () => {
    const { services, logs } = pureServices();
    const { result } = await processMapping({ template: { text: 'a%(nope)sb' } }, { services });
    expect(result).toEqual({ template: 'ab' });
    expect(logs.some((l) => l.level === 'warn' && l.msg.includes('nope'))).toBe(true);
  });

  it('fails with PB_ERR_FILE_NOT_FOUND for a missing template file', async () => {
    const { services } = pureServices();
    const e = (await processMapping({ template: { path: 'missing.html' } }, { services, file: '/nonexistent/x.yaml' }).catch((err: unknown) => err)) as ProcblockError;
    expect(e.code).toBe('PB_ERR_FILE_NOT_FOUND');
    expect(e.location?.keyPath).toBe('template.path');
  });
});
