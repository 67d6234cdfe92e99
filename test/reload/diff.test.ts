/**
 * The pure diff of hot reload: table tests over hand-made plans (diffBlocks) and thread
 * definitions (decideThread). No files, no runtime.
 */
import { describe, expect, it } from 'vitest';
import type { BlockPlan, PlannedThread } from '../../src/reload/block-plan.js';
import { decideThread, diffBlocks } from '../../src/reload/diff.js';
import { rrdShape } from '../../src/reload/rrd-shape.js';
import type { ThreadFacts } from '../../src/runtime/reload-thread-host.js';
import type { LoadedBlock } from '../../src/config/types.js';

type Item = Record<string, unknown>;

interface PlanSpec {
  threads?: Record<string, Item | Item[]>;
  /** script path → code key */
  scripts?: Record<string, string>;
  usage?: string;
  data?: string;
  web?: BlockPlan['webAddress'];
}

const block = { file: '/b/block.yaml', dir: '/b', locate: () => ({ file: '/b/block.yaml', line: 9 }) } as unknown as LoadedBlock;
const web = (over: Partial<NonNullable<BlockPlan['webAddress']>> = {}): BlockPlan['webAddress'] => ({ host: '127.0.0.1', port: 8080, auth: false, insecure: false, ...over });

function plan(p: PlanSpec): BlockPlan {
  const threads = new Map<string, PlannedThread[]>();
  for (const [id, items] of Object.entries(p.threads ?? {})) {
    threads.set(
      id,
      (Array.isArray(items) ? items : [items]).map((item) => ({
        id,
        location: { file: '/b/block.yaml', line: 3 },
        item: JSON.stringify(item),
        script: typeof item.script === 'string' ? `/b/${item.script}` : undefined,
        rrd: rrdShape(item['timeseries collect']),
      })),
    );
  }
  const scripts = new Map(Object.entries(p.scripts ?? {}).map(([s, key]) => [s, { script: s, files: [s], key }] as const));
  return { block, threads, scripts, meaning: p.data ?? JSON.stringify(p.threads), runtimeUsage: p.usage ?? 'none', webAddress: p.web, watch: [] };
}

const a = { script: 'a.ts', cache: 5, thread_id: 'a' };
const b = { script: 'b.ts', cache: 5, thread_id: 'b' };
const collect = (fields: Record<string, unknown>, extra: Item = {}): Item => ({ path: 'a.rrd', interval: 5, fields, ...extra });

describe('diffBlocks: RunThreads by thread id', () => {
  const cases: {
    name: string;
    old: PlanSpec;
    next: PlanSpec;
    kept?: string[];
    changed?: { id: string; reasons: string[] }[];
    added?: string[];
    removed?: string[];
    changedScripts?: string[];
    unchanged?: boolean;
  }[] = [
    {
      name: 'identical versions: everything kept, nothing changed',
      old: { threads: { a, b }, scripts: { '/b/a.ts': 'k1', '/b/b.ts': 'k2' } },
      next: { threads: { a, b }, scripts: { '/b/a.ts': 'k1', '/b/b.ts': 'k2' } },
      kept: ['a', 'b'],
      unchanged: true,
    },
    {
      name: 'a script edit restarts only the thread running it',
      old: { threads: { a, b }, scripts: { '/b/a.ts': 'k1', '/b/b.ts': 'k2' } },
      next: { threads: { a, b }, scripts: { '/b/a.ts': 'k1-edited', '/b/b.ts': 'k2' } },
      kept: ['b'],
      changed: [{ id: 'a', reasons: ['script'] }],
      changedScripts: ['/b/a.ts'],
      unchanged: false,
    },
    {
      name: 'an interval change is an item change',
      old: { threads: { a, b } },
      next: { threads: { a: { ...a, cache: 10 }, b } },
      kept: ['b'],
      changed: [{ id: 'a', reasons: ['item'] }],
    },
    {
      name: 'a graph title change is a collect change',
      old: { threads: { a: { ...a, 'timeseries collect': collect({ x: { type: 'GAUGE' } }, { graph: [{ path: 'a.png', title: 'A' }] }) } } },
      next: { threads: { a: { ...a, 'timeseries collect': collect({ x: { type: 'GAUGE' } }, { graph: [{ path: 'a.png', title: 'B' }] }) } } },
      changed: [{ id: 'a', reasons: ['collect'] }],
    },
    {
      name: 'a new id starts, a missing one stops',
      old: { threads: { a, b } },
      next: { threads: { a, c: { ...b, thread_id: 'c' } } },
      kept: ['a'],
      added: ['c'],
      removed: ['b'],
    },
    {
      name: 'a renamed thread is one removed and one added',
      old: { threads: { a } },
      next: { threads: { a2: { ...a, thread_id: 'a2' } } },
      added: ['a2'],
      removed: ['a'],
    },
    {
      name: 'an id declared in two branches changes when either item changes',
      old: { threads: { a: [a, { ...a, cache: 10 }] } },
      next: { threads: { a: [a, { ...a, cache: 20 }] } },
      changed: [{ id: 'a', reasons: ['item'] }],
    },
    {
      name: 'a changed one-shot script is loaded afresh but restarts no thread',
      old: { threads: { a }, scripts: { '/b/a.ts': 'k1', '/b/setup.ts': 's1' } },
      next: { threads: { a }, scripts: { '/b/a.ts': 'k1', '/b/setup.ts': 's2' } },
      kept: ['a'],
      changedScripts: ['/b/setup.ts'],
      unchanged: false,
    },
    {
      name: 'a script new to the block is not "changed" (no worker has it)',
      old: { threads: { a }, scripts: { '/b/a.ts': 'k1' } },
      next: { threads: { a }, scripts: { '/b/a.ts': 'k1', '/b/new.ts': 'n1' } },
      kept: ['a'],
      changedScripts: [],
      unchanged: false,
    },
    {
      name: 'a data change elsewhere in the block is a change (the block is processed again)',
      old: { threads: { a }, data: 'x: 1' },
      next: { threads: { a }, data: 'x: 2' },
      kept: ['a'],
      unchanged: false,
    },
  ];
  it.each(cases)('$name', (c) => {
    const d = diffBlocks(plan(c.old), plan(c.next));
    expect(d.kept).toEqual(c.kept ?? []);
    expect(d.changed).toEqual(c.changed ?? []);
    expect(d.added).toEqual(c.added ?? []);
    expect(d.removed).toEqual(c.removed ?? []);
    if (c.changedScripts) expect(d.changedScripts).toEqual(c.changedScripts);
    if (c.unchanged !== undefined) expect(d.unchanged).toBe(c.unchanged);
    expect(d.refused).toEqual([]);
  });

  it('a script that left the block and comes back edited is loaded afresh (keys over every version)', () => {
    const d = diffBlocks(plan({ scripts: {} }), plan({ scripts: { '/b/a.ts': 'k2' } }), new Map([['/b/a.ts', 'k1']]));
    expect(d.changedScripts).toEqual(['/b/a.ts']);
  });
});

describe('diffBlocks: refusals', () => {
  const gauge = { type: 'GAUGE' };
  const cases: { name: string; old: PlanSpec; next: PlanSpec; refused: RegExp[] }[] = [
    {
      name: 'a field added to an existing file',
      old: { threads: { a: { ...a, 'timeseries collect': collect({ x: gauge }) } } },
      next: { threads: { a: { ...a, 'timeseries collect': collect({ x: gauge, y: gauge }) } } },
      refused: [/fields of time-series file a\.rrd/],
    },
    {
      name: 'the step of an existing file',
      old: { threads: { a: { ...a, 'timeseries collect': collect({ x: gauge }) } } },
      next: { threads: { a: { ...a, 'timeseries collect': collect({ x: gauge }, { interval: 10 }) } } },
      refused: [/step/],
    },
    {
      name: 'a field type',
      old: { threads: { a: { ...a, 'timeseries collect': collect({ x: gauge }) } } },
      next: { threads: { a: { ...a, 'timeseries collect': collect({ x: { type: 'COUNTER' } }) } } },
      refused: [/fields/],
    },
    {
      name: 'the same file collected by another thread with other fields',
      old: { threads: { a: { ...a, 'timeseries collect': collect({ x: gauge }) } } },
      next: { threads: { b: { ...b, 'timeseries collect': collect({ z: gauge }) } } },
      refused: [/fields of time-series file a\.rrd \(RunThread b\)/],
    },
    {
      name: "dropstar's port while it listens",
      old: { web: web() },
      next: { web: web({ port: 8081 }) },
      refused: [/dropstar's host, port/],
    },
    {
      name: 'dropstar authentication switched on',
      old: { web: web() },
      next: { web: web({ auth: true }) },
      refused: [/dropstar/],
    },
    {
      name: "an alert of a running thread (its state and windows are attached at the thread's first start)",
      old: { threads: { a: { ...a, alert: { high: { when: 'v > 1' } } } } },
      next: { threads: { a: { ...a, alert: { high: { when: 'v > 2' } } } } },
      refused: [/alert or timeseries derive of RunThread a/],
    },
    {
      name: 'a timeseries derive added to a running thread',
      old: { threads: { a } },
      next: { threads: { a: { ...a, 'timeseries derive': { fields: { w: 'v * 2' } } } } },
      refused: [/alert or timeseries derive of RunThread a/],
    },
    {
      name: '__usage options of the running process',
      old: { usage: '{"options":[]}' },
      next: { usage: '{"options":[{"name":"verbose"}]}' },
      refused: [/__usage/],
    },
  ];
  it.each(cases)('$name is refused', (c) => {
    const d = diffBlocks(plan(c.old), plan(c.next));
    expect(d.refused).toHaveLength(c.refused.length);
    c.refused.forEach((re, i) => expect(d.refused[i]?.reason).toMatch(re));
  });

  const accepted: { name: string; old: PlanSpec; next: PlanSpec }[] = [
    { name: 'dropstar pages with the same address (port 0 keeps the port chosen)', old: { web: web() }, next: { web: web({ port: 0 }) } },
    { name: 'a first dropstar', old: {}, next: { web: web() } },
    {
      name: 'a new thread with an alert, and an edit beside an unchanged alert',
      old: { threads: { a: { ...a, alert: { high: { when: 'v > 1' } } } } },
      next: { threads: { a: { ...a, cache: 10, alert: { high: { when: 'v > 1' } } }, b: { ...b, alert: { high: { when: 'v > 1' } } } } },
    },
    {
      name: 'writing out the default heartbeat',
      old: { threads: { a: { ...a, 'timeseries collect': collect({ x: gauge }) } } },
      next: { threads: { a: { ...a, 'timeseries collect': collect({ x: { type: 'GAUGE', heartbeat: 10 } }) } } },
    },
    {
      name: 'a field added with a new file path',
      old: { threads: { a: { ...a, 'timeseries collect': collect({ x: gauge }) } } },
      next: { threads: { a: { ...a, 'timeseries collect': collect({ x: gauge, y: gauge }, { path: 'a2.rrd' }) } } },
    },
    {
      name: 'a new graph on the same file',
      old: { threads: { a: { ...a, 'timeseries collect': collect({ x: gauge }) } } },
      next: { threads: { a: { ...a, 'timeseries collect': collect({ x: gauge }, { graph: [{ path: 'a.png' }] }) } } },
    },
  ];
  it.each(accepted)('$name is not refused', (c) => {
    expect(diffBlocks(plan(c.old), plan(c.next)).refused).toEqual([]);
  });
});

describe('decideThread: one running RunThread against the new definition', () => {
  const facts = (over: Partial<ThreadFacts> = {}): ThreadFacts => ({
    id: 'a',
    item: { script: 'a.ts', cache: 5, thread_id: 'a' },
    script: '/b/a.ts',
    baseDir: '/b',
    input: { host: 'web1' },
    ...over,
  });
  const withCollect = (fields: Record<string, unknown>, extra: Item = {}): Partial<ThreadFacts> => ({
    item: { script: 'a.ts', cache: 5, thread_id: 'a', 'timeseries collect': collect(fields, extra) },
  });
  const cases: { name: string; old: Partial<ThreadFacts>; next: Partial<ThreadFacts>; changed?: string[]; expected: unknown }[] = [
    { name: 'same definition: keep', old: {}, next: {}, expected: { action: 'keep' } },
    {
      name: 'its script changed code',
      old: {},
      next: {},
      changed: ['/b/a.ts'],
      expected: { action: 'restart', reasons: ['script'], keepCollector: true },
    },
    {
      name: 'another script changed: keep',
      old: {},
      next: {},
      changed: ['/b/other.ts'],
      expected: { action: 'keep' },
    },
    {
      name: 'the pipe data its ticks see changed',
      old: {},
      next: { input: { host: 'web2' } },
      expected: { action: 'restart', reasons: ['input'], keepCollector: true },
    },
    {
      name: 'a placeholder filled differently (interval)',
      old: {},
      next: { item: { script: 'a.ts', cache: 10, thread_id: 'a' } },
      expected: { action: 'restart', reasons: ['item'], keepCollector: true },
    },
    {
      name: 'its folder moved',
      old: withCollect({ x: { type: 'GAUGE' } }),
      next: { ...withCollect({ x: { type: 'GAUGE' } }), baseDir: '/c' },
      expected: { action: 'restart', reasons: ['folder'], keepCollector: false },
    },
    {
      name: 'a graph changed: restart with a fresh collector',
      old: withCollect({ x: { type: 'GAUGE' } }),
      next: withCollect({ x: { type: 'GAUGE' } }, { graph: [{ path: 'a.png' }] }),
      expected: { action: 'restart', reasons: ['collect'], keepCollector: false },
    },
    {
      name: 'the fields of its file changed: refuse, leave it running',
      old: withCollect({ x: { type: 'GAUGE' } }),
      next: withCollect({ x: { type: 'GAUGE' }, y: { type: 'GAUGE' } }),
      expected: { action: 'refuse', reason: expect.stringMatching(/fields of time-series file \/b\/a\.rrd/) as unknown },
    },
    {
      name: 'collecting to a new file with other fields: restart',
      old: withCollect({ x: { type: 'GAUGE' } }),
      next: withCollect({ y: { type: 'GAUGE' } }, { path: 'b.rrd' }),
      expected: { action: 'restart', reasons: ['collect'], keepCollector: false },
    },
  ];
  it.each(cases)('$name', (c) => {
    expect(decideThread(facts(c.old), facts(c.next), new Set(c.changed ?? []))).toEqual(c.expected);
  });
});
