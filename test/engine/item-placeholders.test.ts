/**
 * `%(name)s` placeholders in script-item options, filled from pipe data when the item starts,
 * and where an imported item's data goes (the importer's working directory). The pure part runs
 * on src/; the imported-collector part uses the real loader, engine, RunThreadSet and a worker.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBlock } from '../../dist/config/index.js';
import { createLogger } from '../../dist/core/logger.js';
import { processBlock } from '../../dist/engine/index.js';
import { RunThreadSet } from '../../dist/schedule/index.js';
import type { RunThreadSpec } from '../../dist/schedule/types.js';
import type { ProcblockError } from '../../src/core/errors.js';
import type { EngineContext } from '../../src/engine/context.js';
import { blockFromObject } from '../../src/engine/in-memory-block.js';
import { fillItemPlaceholders } from '../../src/engine/run-items/item-placeholders.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { FIXTURES, realServices, type RealServices } from './real-services.js';

function fill(item: Record<string, unknown>, pipeData: Record<string, unknown>): Readonly<Record<string, unknown>> {
  const block = blockFromObject({ run: [item] }, { file: '/srv/blocks/b.yaml' });
  const ctx = { block } as unknown as EngineContext;
  return fillItemPlaceholders((block.data.run as Record<string, unknown>[])[0] as Record<string, unknown>, ['run', 0], { ctx, pipeData });
}

describe('fillItemPlaceholders', () => {
  it('fills cache, interval, thread_id, timeout and every string of timeseries collect; keeps %(key)s', () => {
    const item = {
      script: 'x-%(name)s.ts',
      cache: true,
      interval: '%(every)s',
      thread_id: 'cpu-%(host.name)s',
      timeout: '%(every)d',
      other: '%(name)s',
      'timeseries collect': {
        key: 'disks',
        path: '%(dir)s/disk-%(key)s.rrd',
        interval: '%(every)s',
        fields: { used: { type: 'GAUGE', heartbeat: '%(hb)s' } },
        graph: [{ path: '%(dir)s/disk-%(key)s.png', title: 'Disk %(key)s on %(host.name)s', period: '%(period)s' }],
      },
    };
    const out = fill(item, { every: 5, name: 'n', host: { name: 'web1' }, dir: '/data', hb: '20', period: '1d' });
    expect(out).toEqual({
      ...item,
      interval: '5',
      thread_id: 'cpu-web1',
      timeout: '5',
      'timeseries collect': {
        key: 'disks',
        path: '/data/disk-%(key)s.rrd',
        interval: '5',
        fields: { used: { type: 'GAUGE', heartbeat: '20' } },
        graph: [{ path: '/data/disk-%(key)s.png', title: 'Disk %(key)s on web1', period: '1d' }],
      },
    });
    // The script path and keys that are not options are never filled.
    expect(out.script).toBe('x-%(name)s.ts');
    expect(out.other).toBe('%(name)s');
  });

  it("fills each alert's when, clear, value, for, repeat and timeout; not its run list", () => {
    const run = [{ shell: 'echo %(low)s' }];
    const item = {
      script: 'a.ts',
      cache: 1,
      alert: {
        band: { when: 'rate(n, last 3) < %(low)s or rate(n, last 3) > %(high)s', clear: 'last(n) > %(low)f', value: 'rate(n, %(window)s)', for: '%(hold)s', repeat: '%(hold)s', timeout: '%(hold)d', run },
        plain: { when: 'last(n) % 2 == 1', for: 5 },
      },
    };
    const out = fill(item, { low: 2, high: 20, hold: '10s', window: 'last 3' });
    expect(out.alert).toEqual({
      band: { when: 'rate(n, last 3) < 2 or rate(n, last 3) > 20', clear: 'last(n) > 2.000000', value: 'rate(n, last 3)', for: '10s', repeat: '10s', timeout: '10s', run },
      plain: item.alert.plain,
    });
    let err: ProcblockError | undefined;
    try {
      fill(item, { low: 2 });
    } catch (e) {
      err = e as ProcblockError;
    }
    expect(err?.code).toBe('PB_ERR_VALIDATION');
    expect(err?.location).toMatchObject({ keyPath: 'run[0].alert.band.when' });
  });

  it('returns the item itself when nothing is filled', () => {
    const block = blockFromObject({ run: [{ script: 'a.ts', cache: 5, 'timeseries collect': { path: 'a.rrd', interval: 5, fields: { x: { type: 'GAUGE' } } } }] });
    const item = (block.data.run as Record<string, unknown>[])[0] as Record<string, unknown>;
    const ctx = { block } as unknown as EngineContext;
    expect(fillItemPlaceholders(item, ['run', 0], { ctx, pipeData: {} })).toBe(item);
  });

  it('a placeholder missing from pipe data is PB_ERR_VALIDATION at the option', () => {
    let err: ProcblockError | undefined;
    try {
      fill({ script: 'a.ts', 'timeseries collect': { path: '%(datadir)s/a.rrd', interval: 5, fields: {} } }, { other: 1 });
    } catch (e) {
      err = e as ProcblockError;
    }
    expect(err?.code).toBe('PB_ERR_VALIDATION');
    expect(err?.location).toMatchObject({ file: '/srv/blocks/b.yaml', keyPath: 'run[0].timeseries collect.path' });
    expect(err?.message).toContain('%(datadir)s');
  });
});

describe('the schema', () => {
  it('accepts one placeholder where seconds or a duration go, and still rejects anything else', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-placeholders-'));
    try {
      writeFileSync(path.join(dir, 'a.mjs'), 'export const processBlock = () => ({});\n');
      const write = (cache: string, interval: string): string => {
        const file = path.join(dir, 'b.yaml');
        writeFileSync(file, `run:\n  - script: a.mjs\n    cache: "${cache}"\n    timeseries collect: {path: x.rrd, interval: "${interval}", fields: {v: {type: GAUGE}}}\n`);
        return file;
      };
      await expect(checkBlock(write('%(every)s', '%(every)d'))).resolves.toBeDefined();
      for (const [cache, interval] of [['%(every)', '5'], ['5', 'every %(x)s'], ['%(a)s%(b)s', '5']] as const) {
        await expect(checkBlock(write(cache, interval)), `${cache} / ${interval}`).rejects.toMatchObject({ code: 'PB_ERR_SCHEMA' });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('an imported collector item', () => {
  const clock = new FakeClock();
  const specs: RunThreadSpec[] = [];
  const threads = new RunThreadSet({
    clock,
    logger: createLogger(() => undefined, 'silent'),
    hooks: (spec) => {
      specs.push(spec);
      return undefined;
    },
  });
  let real: RealServices;
  beforeAll(async () => {
    real = await realServices({ clock, runThreads: threads, maxThreads: 1 });
  });
  afterAll(async () => {
    await threads.stopAll(1000);
    await real.close();
  });

  it("runs its script beside the imported YAML, takes the importer's parameters, and puts data in the importer's cwd", async () => {
    const dir = path.join(FIXTURES, 'imported-collector');
    const block = await checkBlock(path.join(dir, 'main.yaml'));
    const { pipeData } = await processBlock(block, { services: real.services, cwd: dir });
    // The script was found in lib/ and ran in the run list's cwd (the importer's folder + cd).
    expect(pipeData.where).toBe(path.join(dir, 'sub'));
    expect(specs).toHaveLength(1);
    const spec = specs[0] as RunThreadSpec;
    expect(spec.id).toBe('where-out');
    expect(spec.intervalMs).toBe(7000);
    expect(spec.baseDir).toBe(path.join(dir, 'sub'));
    expect(spec.item['timeseries collect']).toMatchObject({
      path: 'out/thing-%(key)s.rrd',
      interval: '7',
      graph: [{ path: 'out/thing-%(key)s.png', title: 'Thing %(key)s in out', interval: '7' }],
    });
    expect(pipeData['run_thread.where-out']).toMatchObject({ running: true, intervalSeconds: 7 });
  });
});
