/** The pure pieces of hot reload: editor artifacts, import scanning, the debouncer. */
import { describe, expect, it } from 'vitest';
import { Debouncer } from '../../src/reload/debounce.js';
import { isEditorArtifact } from '../../src/reload/editor-files.js';
import { candidateFiles, importSpecifiers, isLocalSpecifier } from '../../src/reload/import-scan.js';
import { FakeClock } from '../helpers/fake-clock.js';

describe('isEditorArtifact', () => {
  it.each([
    ['/b/.x.ts.swp', true],
    ['/b/.x.ts.swo', true],
    ['/b/.x.ts.swx', true],
    ['/b/x.ts~', true],
    ['/b/4913', true],
    ['/b/5036', true], // 4913 + 123: vim's next probe name
    ['/b/.#x.ts', true],
    ['/b/#x.ts#', true],
    ['/b/x.ts', false],
    ['/b/block.yaml', false],
    ['/b/4914', false],
    ['/b/swap.ts', false],
    ['/b/x.swift', false],
  ])('%s → %s', (file, expected) => {
    expect(isEditorArtifact(file)).toBe(expected);
  });
});

describe('importSpecifiers', () => {
  it('finds static, side-effect, re-export, dynamic and require specifiers once each, in order', () => {
    const src = [
      "import type { ProcessBlock } from 'procblock';",
      "import { a } from './a.js';",
      "import './side.js'",
      "export * from \"../shared/b.ts\";",
      "const m = await import('./lazy.mjs');",
      "const c = require('./c.cjs');",
      "import { a as again } from './a.js';",
      "import fs from 'node:fs';",
    ].join('\n');
    expect(importSpecifiers(src)).toEqual(['procblock', './a.js', './side.js', '../shared/b.ts', './lazy.mjs', './c.cjs', 'node:fs']);
  });

  it('tells local files from packages and built-ins', () => {
    expect(['./a.js', '../b', '/abs/c.ts', 'file:///d.ts', 'procblock', 'node:fs', 'lodash/fp'].map(isLocalSpecifier)).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it('lists the files the TypeScript loader tries for a specifier, in its order', () => {
    expect(candidateFiles('/s/a.js')).toEqual(['/s/a.js', '/s/a.ts']);
    expect(candidateFiles('/s/a.mjs')).toEqual(['/s/a.mjs', '/s/a.mts']);
    expect(candidateFiles('/s/a.ts')).toEqual(['/s/a.ts']);
    expect(candidateFiles('/s/lib')).toEqual(['/s/lib', '/s/lib.ts', '/s/lib.mts', '/s/lib/index.ts']);
    expect(candidateFiles('/s/a.js?x=1')).toEqual(['/s/a.js', '/s/a.ts']);
  });
});

describe('Debouncer', () => {
  it('fires once after the events have been quiet for quietMs', async () => {
    const clock = new FakeClock();
    let fired = 0;
    const d = new Debouncer({ clock, quietMs: 100 }, () => fired++);
    for (let i = 0; i < 20; i++) {
      d.poke();
      await clock.advance(5);
    }
    expect(fired).toBe(0);
    await clock.advance(99 - 5);
    expect(fired).toBe(0);
    await clock.advance(1);
    expect(fired).toBe(1);
    expect(d.pending).toBe(false);
    await clock.advance(10_000);
    expect(fired).toBe(1);
  });

  it('fires at maxWaitMs after the first event when events never pause, then starts a new burst', async () => {
    const clock = new FakeClock();
    const firedAt: number[] = [];
    const t0 = clock.now();
    const d = new Debouncer({ clock, quietMs: 100, maxWaitMs: 1000 }, () => firedAt.push(clock.now() - t0));
    for (let i = 0; i < 150; i++) {
      d.poke();
      await clock.advance(10);
    }
    await clock.advance(200);
    expect(firedAt).toEqual([1000, 1590]);
  });

  it('cancel() drops a pending burst', async () => {
    const clock = new FakeClock();
    let fired = 0;
    const d = new Debouncer({ clock, quietMs: 50 }, () => fired++);
    d.poke();
    d.cancel();
    await clock.advance(1000);
    expect(fired).toBe(0);
    expect(clock.timers).toBe(0);
  });
});
