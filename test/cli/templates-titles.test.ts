/**
 * Issue 7 point 3 through the real CLI: templates read the level's processed keys (an if
 * branch's keys, imported data, enclosing levels) before pipe data, and `%(key)s` in the graph
 * title of a `key:` collect is filled per file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir('procblock-templates-');
afterAll(() => tmp.cleanup());
const write = (name: string, text: string): string => {
  const file = path.join(tmp.dir, name);
  writeFileSync(file, text);
  return file;
};

describe('templates read the processed keys of their level', () => {
  it('an if branch, imported data, an enclosing level, then pipe data; the level wins over pipe data', async () => {
    write('site.yaml', 'owner: ops team\n');
    const file = write(
      'page.yaml',
      [
        '__import__site: site.yaml',
        'title: Status',
        'if load > 5:',
        '  state: busy',
        'else:',
        '  state: calm',
        'page:',
        '  __priority: 700 # after the if (600), so the branch keys are there',
        '  footer: bottom',
        '  template: {text: "%(title)s is %(state)s for %(site.owner)s at %(footer)s; load %(load)s; %(missing)s."}',
        '',
      ].join('\n'),
    );
    const r = await runCli([file, '--load', '7', '--title', 'from the command line']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { page: { template: string } };
    expect(out.page.template).toBe('Status is busy for ops team at bottom; load 7; .');
    expect(r.stderr).toMatch(/missing/);
  });

  it('a template sees only keys processed before it (priority, then file order)', async () => {
    const late = write('late.yaml', 'first:\n  template: {text: "[%(second.x)s]"}\nsecond:\n  __priority: 950\n  x: 1\n');
    expect(JSON.parse((await runCli([late])).stdout)).toEqual({ first: { template: '[]' }, second: { x: 1 } });
    const early = write('early.yaml', 'first:\n  template: {text: "[%(second.x)s]"}\nsecond:\n  __priority: 450\n  x: 1\n');
    expect(JSON.parse((await runCli([early])).stdout)).toEqual({ first: { template: '[1]' }, second: { x: 1 } });
  });
});

describe('graph titles of a key: collect', () => {
  it('%(key)s in the title is the entry of each file', async () => {
    write('disks.mjs', 'export const processBlock = () => ({ disks: { sda: { used: 10 }, sdb: { used: 90 } } });\n');
    const file = write(
      'disks.yaml',
      [
        'run:',
        '  - script: disks.mjs',
        '    cache: 60',
        '    timeseries collect:',
        '      path: "disk-%(key)s.rrd"',
        '      interval: 60',
        '      key: disks',
        '      fields: {used: {type: GAUGE}}',
        '      graph: [{path: "disk-%(key)s.png", title: "Disk %(key)s", fields: [used]}]',
        '',
      ].join('\n'),
    );
    const r = await runCli([file]);
    expect(r.code).toBe(0);
    // The same file drawn by `procblock rrd graph --title "Disk sda"` has the same title pixels.
    const ref = path.join(tmp.dir, 'ref-sda.png');
    const g = await runCli(['rrd', 'graph', path.join(tmp.dir, 'disk-sda.rrd'), ref, '--title', 'Disk sda', '--fields', 'used']);
    expect(g.code).toBe(0);
    const sda = titleRegion(path.join(tmp.dir, 'disk-sda.png'));
    const sdb = titleRegion(path.join(tmp.dir, 'disk-sdb.png'));
    expect(sda).toEqual(titleRegion(ref));
    expect(sda).not.toEqual(sdb);
  });
});

/** The left part of the header, where the title is drawn (the right part holds the time span and end). */
function titleRegion(file: string): string {
  const png = PNG.sync.read(readFileSync(file));
  const rows: string[] = [];
  for (let y = 0; y < 26; y++) rows.push(png.data.subarray((y * png.width) * 4, (y * png.width + 260) * 4).toString('hex'));
  return rows.join('\n');
}
