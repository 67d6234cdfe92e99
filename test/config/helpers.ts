import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import type { ValidationProblem } from '../../src/config/index.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/config/', import.meta.url));
export const fixture = (...parts: string[]): string => path.join(FIXTURES, ...parts);

/** Run `fn`, expect an InputError, return it. */
export async function inputError(fn: () => Promise<unknown>): Promise<InputError> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(InputError);
  return caught as InputError;
}

/** The problems reduced to what tests compare: code, file (relative to fixtures), line, keyPath. */
export function summarize(err: InputError): { code: string; file: string; line: number | undefined; keyPath: string | undefined }[] {
  return (err.problems as readonly ValidationProblem[]).map((p) => ({
    code: p.code,
    file: path.relative(FIXTURES, p.location.file),
    line: p.location.line,
    keyPath: p.location.keyPath,
  }));
}
