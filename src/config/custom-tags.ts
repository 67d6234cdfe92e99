/**
 * `__tags` → `CustomTagSpec[]` (SPEC §2.4), from the top file and imported files, each script
 * resolved against the folder of the file that declares it.
 *
 * Choices where the spec is silent:
 * - A pattern is a JavaScript regular expression matched against the WHOLE key (`^(?:…)$`).
 * - `"name": script.ts` is shorthand for `{script: script.ts}`; priority defaults to 500.
 * - Tags from the top file come first, then imports in load order; the first match wins.
 */
import path from 'node:path';
import type { SourceLocation } from '../core/errors.js';
import { PRIORITY } from '../language/tag-key.js';
import { isPlainObject } from './plain-object.js';
import type { ValidationProblem } from './problems.js';
import type { CustomTagSpec, KeyPath } from './types.js';

export function extractCustomTags(
  raw: unknown,
  locate: (p: KeyPath) => SourceLocation,
  problems: ValidationProblem[] | undefined,
): CustomTagSpec[] {
  if (!isPlainObject(raw)) return [];
  const specs: CustomTagSpec[] = [];
  for (const [pattern, value] of Object.entries(raw)) {
    const location = locate(['__tags', pattern]);
    const script = typeof value === 'string' ? value : isPlainObject(value) ? value['script'] : undefined;
    if (typeof script !== 'string' || script === '') continue; // the schema reports it
    const priority = isPlainObject(value) && typeof value['priority'] === 'number' ? value['priority'] : PRIORITY.customDefault;
    let regex: RegExp;
    try {
      regex = new RegExp(`^(?:${pattern})$`);
    } catch (e) {
      problems?.push({
        code: 'PB_ERR_VALIDATION',
        message: `custom tag pattern '${pattern}' is not a valid regular expression (${(e as Error).message}); write e.g. 'notify .*'`,
        location,
      });
      continue;
    }
    specs.push({ pattern, regex, script: path.resolve(path.dirname(location.file), script), priority, location });
  }
  return specs;
}
