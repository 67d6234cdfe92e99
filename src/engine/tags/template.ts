/**
 * `template: {path: file}` or `{text: …}` (SPEC §2.3): fill `%(key)s` placeholders from the
 * keys processed before it (its level's, then the enclosing levels') and pipe data; the result
 * is the text. `path` resolves against the folder of the YAML file holding
 * the key. See template-fill.ts for placeholder rules (a missing key fills '' with a warning).
 *
 * HTML escaping (SPEC §7): values are HTML-escaped when the processing renders a web page
 * (`ProcessOptions.htmlTemplates`) or the file ends in `.html`/`.htm`; `%(key|raw)s` opts out.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../../core/errors.js';
import { invalidBlock, locate } from '../located-error.js';
import { isPlainObject } from '../pipe-path.js';
import type { TagCall, TagOutcome } from '../tag-call.js';
import { fillTemplate } from '../template-fill.js';

const HTML_FILE = /\.html?$/i;

export async function templateTag(call: TagCall): Promise<TagOutcome> {
  const { block, pipeData, logger } = call.ctx;
  const v = call.value;
  let text: string;
  let html = call.ctx.htmlTemplates;
  if (typeof v === 'string') {
    text = v;
  } else if (isPlainObject(v) && typeof v.text === 'string') {
    text = v.text;
  } else if (isPlainObject(v) && typeof v.path === 'string') {
    const file = path.resolve(path.dirname(block.locate(call.path).file), v.path);
    html ||= HTML_FILE.test(file);
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'PB_ERR_FILE_NOT_FOUND' : 'PB_ERR_FILE_UNREADABLE';
      throw new InputError(code, `template file ${file} cannot be read: ${(e as Error).message}`, { location: locate(block, [...call.path, 'path']), cause: e });
    }
  } else {
    throw invalidBlock(block, call.path, `template takes {path: file} or {text: "..."}, got ${JSON.stringify(v)}`);
  }
  // The level's processed keys first (innermost level first), then pipe data: docs/engine.md.
  const { text: filled, missing } = fillTemplate(text, [...call.scope.processedChain(), pipeData], html ? 'html' : 'none');
  if (missing.length > 0) {
    const loc = block.locate(call.path);
    logger.warn(`template placeholders found neither in the block's processed keys nor in pipe data, filled with "": ${missing.join(', ')}`, { file: loc.file, line: loc.line, missing });
  }
  return { type: 'store', value: filled };
}
