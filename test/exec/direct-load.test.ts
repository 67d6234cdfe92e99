import { describe, expect, it } from 'vitest';
import { canImportDirectly } from '../../src/exec/direct-load.js';

describe('canImportDirectly (transformed TypeScript that needs no loader hooks)', () => {
  it.each([
    ['export const processBlock = () => ({ a: 1 });', true],
    ["import { readFile } from 'node:fs/promises';\nexport const processBlock = () => readFile;", true],
    ["import * as path from 'node:path';\nimport os, { EOL } from \"node:os\";\nexport const x = [path, os, EOL];", true],
    ["import { x } from './helper.js';\nexport const processBlock = () => x;", false],
    ["import { ERROR_CODES } from 'procblock';", false],
    ["import fs from 'fs';", false],
    ["export { a } from './a.js';", false],
    ["export * from 'node:path';", true],
    ['export const f = () => import.meta.url;', false],
    ["export const f = () => import('node:fs');", false],
    ["export const f = () => require('x');", false],
    ["// we import nothing here\nexport const f = 1;", false],
    ["import './side-effect.js';", false],
  ])('%s → %s', (code, expected) => {
    expect(canImportDirectly(code)).toBe(expected);
  });
});
