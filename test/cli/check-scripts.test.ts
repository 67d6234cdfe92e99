/**
 * Issue 7 points 2 and 4 through the real CLI: `--check` transforms and imports every referenced
 * script in a worker and checks time-series definitions, reporting every problem at once (exit 2);
 * it warns (exit 0) when a condition reads a key only a later-priority sibling produces.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir('procblock-check-');
afterAll(() => tmp.cleanup());
let n = 0;
function folder(files: Record<string, string>): string {
  const dir = path.join(tmp.dir, `c${++n}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
const GOOD = 'export const processBlock = async () => ({ used: 95 });\n';
/** The problem lines of a report, `[file:line:col at key, code]`. */
function problems(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('  - '));
}

describe('--check loads every script', () => {
  it('reports syntax errors, missing exports (with hints) and ESM .js in a commonjs package, all at once', async () => {
    const dir = folder({
      'b.yaml': [
        'run:',
        '  - script: syntax.ts',
        '  - script: noexport.mjs',
        '  - script: upper.mjs',
        '  - script: deflt.mjs',
        '  - script: cjs/esm.js',
        '  - script: good.ts',
        '',
      ].join('\n'),
      'syntax.ts': 'export const processBlock = async () => {\n  const x = ;\n};\n',
      'noexport.mjs': 'export const other = 1;\n',
      'upper.mjs': 'export function ProcessBlock() { return {}; }\n',
      'deflt.mjs': 'export default function () { return {}; }\n',
      'cjs/package.json': '{"type": "commonjs"}\n',
      'cjs/esm.js': 'export const processBlock = () => ({});\n',
      'good.ts': GOOD,
    });
    const r = await runCli(['--check', path.join(dir, 'b.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error\[PB_ERR_VALIDATION\]: .*5 problems/);
    const lines = problems(r.stderr);
    const line = (re: RegExp): string => lines.find((l) => re.test(l)) ?? `no line matching ${re}`;
    expect(line(/syntax\.ts/)).toMatch(new RegExp(`${dir}/syntax\\.ts:2:13: .*run\\[0\\]\\.script.*\\[PB_ERR_SCRIPT_SYNTAX\\]$`));
    expect(line(/noexport/)).toMatch(/b\.yaml:3:5 at run\[1\]\.script: .*\[PB_ERR_SCRIPT_NO_EXPORT\]$/);
    expect(line(/upper/)).toMatch(/b\.yaml:4:5 at run\[2\]\.script: .*'ProcessBlock'.*rename it to processBlock.*\[PB_ERR_SCRIPT_NO_EXPORT\]$/);
    expect(line(/deflt/)).toMatch(/b\.yaml:5:5 at run\[3\]\.script: .*default export.*\[PB_ERR_SCRIPT_NO_EXPORT\]$/);
    expect(line(/esm\.js/)).toMatch(/esm\.js:1: .*rename it to esm\.mjs.*run\[4\]\.script.*\[PB_ERR_SCRIPT_SYNTAX\]$/);
  });

  it('a script whose top-level code logs: the output goes to stderr, stdout says only ok', async () => {
    const dir = folder({ 'b.yaml': 'run:\n  - script: chatty.ts\n', 'chatty.ts': `console.log('loading chatty');\n${GOOD}` });
    const r = await runCli(['--check', path.join(dir, 'b.yaml')]);
    expect(r).toMatchObject({ code: 0, stdout: 'ok\n' });
    expect(r.stderr).toContain('loading chatty');
  });

  it('scripts that end their worker or hang fail alone; the others are still checked', async () => {
    const dir = folder({
      'b.yaml': [
        'run:',
        '  - script: exits.mjs',
        '  - script: never.mjs',
        '  - script: hangs.mjs',
        '  - script: noexport.mjs',
        'notify:',
        '  run:',
        '    - script: good.ts',
        '',
      ].join('\n'),
      'exits.mjs': 'process.exit(3);\n',
      'never.mjs': 'await new Promise(() => {});\nexport const processBlock = () => ({});\n',
      'hangs.mjs': 'setInterval(() => {}, 1000);\nawait new Promise(() => {});\nexport const processBlock = () => ({});\n',
      'noexport.mjs': 'export const x = 1;\n',
      'good.ts': GOOD,
    });
    const r = await runCli(['--script-timeout', '0.5', '--check', path.join(dir, 'b.yaml')]);
    expect(r.code).toBe(2);
    const lines = problems(r.stderr);
    expect(lines).toHaveLength(4);
    expect(lines.find((l) => l.includes('run[0]'))).toMatch(/\[PB_ERR_WORKER_EXIT\]$/);
    expect(lines.find((l) => l.includes('run[1]'))).toMatch(/\[PB_ERR_WORKER_EXIT\]$/);
    expect(lines.find((l) => l.includes('run[2]'))).toMatch(/\[PB_ERR_SCRIPT_TIMEOUT\]$/);
    expect(lines.find((l) => l.includes('run[3]'))).toMatch(/\[PB_ERR_SCRIPT_NO_EXPORT\]$/);
  });

  it('custom tag scripts are loaded too', async () => {
    const dir = folder({ 'b.yaml': '__tags:\n  "notify .*": tag.mjs\nnotify ops: hi\n', 'tag.mjs': 'export const notProcessBlock = 1;\n' });
    const r = await runCli(['--check', path.join(dir, 'b.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error\[PB_ERR_VALIDATION\]: .*b\.yaml:2:3 at __tags\.notify \.\*: .*tag\.mjs.* \[PB_ERR_SCRIPT_NO_EXPORT\]\n$/);
  });
});

describe('--check checks time-series definitions', () => {
  it('every bad data-source name at once, with file:line and the key path; other collect problems too', async () => {
    const dir = folder({
      'b.yaml': [
        'run:',
        '  - script: good.ts',
        '    cache: 5',
        '    timeseries collect:',
        '      path: x.rrd',
        '      interval: 5',
        '      fields:',
        '        cpu.user: {type: GAUGE}',
        '        ok_name: {type: GAUGE}',
        '        a_very_long_field_name: {type: GAUGE}',
        '  - script: good.ts',
        '    cache: 5',
        '    thread_id: second',
        '    timeseries collect:',
        '      path: y.rrd',
        '      interval: 5',
        '      fields: {used: {type: GAUGE}}',
        '      graph: [{path: y.png, fields: [free]}]',
        '',
      ].join('\n'),
      'good.ts': GOOD,
    });
    const r = await runCli(['--check', path.join(dir, 'b.yaml')]);
    expect(r.code).toBe(2);
    const lines = problems(r.stderr);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/b\.yaml:8:9 at run\[0\]\.timeseries collect\.fields\.cpu\.user: .*'cpu_user'.*\[PB_ERR_RRD_INVALID\]$/);
    expect(lines[1]).toMatch(/b\.yaml:10:9 at run\[0\]\.timeseries collect\.fields\.a_very_long_field_name: .*\[PB_ERR_RRD_INVALID\]$/);
    expect(lines[2]).toMatch(/b\.yaml:14:5 at run\[1\]\.timeseries collect\.graph\[0\]\.fields: .*free/);
  });

  it('a run refuses a bad data-source name before starting anything (exit 2)', async () => {
    const dir = folder({
      'b.yaml': 'run:\n  - script: good.ts\n    cache: 5\n    timeseries collect: {path: x.rrd, interval: 5, fields: {"a-b": {type: GAUGE}}}\n',
      'good.ts': GOOD,
    });
    const r = await runCli([path.join(dir, 'b.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error\[PB_ERR_RRD_INVALID\]: .*b\.yaml:4:61 at run\[0\]\.timeseries collect\.fields\.a-b: /);
  });
});

describe('--check warns about processing order', () => {
  const block = (ifValue: string): string =>
    `__usage:\n  name: Disk check\n  options:\n    limit: {type: value, default: 90}\nrun:\n  - script: disk.ts\nif used > limit:\n${ifValue}  alert: disk almost full\n`;

  it('a condition reading what a later-priority run produces: warning on stderr, still ok', async () => {
    const dir = folder({ 'b.yaml': block(''), 'disk.ts': GOOD });
    const r = await runCli(['--check', path.join(dir, 'b.yaml')]);
    expect(r).toMatchObject({ code: 0, stdout: 'ok\n' });
    expect(r.stderr).toMatch(/^warning: .*b\.yaml:7:1 at if used > limit: .*'used'.*__priority: 900/m);
    // ...and the trap is real: the run sets used = 95, but the condition saw nothing.
    const run = await runCli([path.join(dir, 'b.yaml')]);
    expect(JSON.parse(run.stdout)).not.toHaveProperty('alert');
  });

  it('no warning with the fix, which makes the condition see the run', async () => {
    const dir = folder({ 'b.yaml': block('  __priority: 900\n'), 'disk.ts': GOOD });
    const r = await runCli(['--check', path.join(dir, 'b.yaml')]);
    expect(r).toMatchObject({ code: 0, stdout: 'ok\n', stderr: '' });
    const run = await runCli([path.join(dir, 'b.yaml')]);
    expect(JSON.parse(run.stdout)).toMatchObject({ alert: 'disk almost full' });
  });
});
