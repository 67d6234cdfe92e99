/**
 * Read one YAML file into plain data plus the position of every key and list item.
 * YAML 1.2 core schema (the `yaml` package's default), with `<<` merge keys enabled for
 * blocks written for the original's PyYAML.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node } from 'yaml';
import { InputError } from '../core/errors.js';
import type { SourceLocation } from '../core/errors.js';
import { duplicateKeyMessage } from './duplicate-key.js';
import { SourceMap } from './source-map.js';

export interface YamlFile {
  readonly file: string;
  readonly data: unknown;
  /** Positions relative to this file's root (`[]` is the document). */
  readonly positions: SourceMap;
}

/**
 * @throws InputError PB_ERR_FILE_NOT_FOUND / PB_ERR_FILE_UNREADABLE (code overridable via
 *   `notFoundCode`, for includes) and PB_ERR_YAML_SYNTAX with file:line:col.
 */
export async function readYamlFile(
  file: string,
  opts: { notFoundCode?: 'PB_ERR_FILE_NOT_FOUND' | 'PB_ERR_INCLUDE_NOT_FOUND'; from?: SourceLocation } = {},
): Promise<YamlFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const from = opts.from ? ` (imported from ${opts.from.file}:${opts.from.line ?? '?'})` : '';
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new InputError(opts.notFoundCode ?? 'PB_ERR_FILE_NOT_FOUND', `no such file: ${file}${from}`, {
        cause: e,
        location: opts.from ?? { file },
      });
    }
    const why = code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw new InputError('PB_ERR_FILE_UNREADABLE', `cannot read ${file}${from}: ${why}`, {
      cause: e,
      location: opts.from ?? { file },
    });
  }
  return parseYamlText(text, file);
}

export function parseYamlText(text: string, file: string): YamlFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((err) => {
      const { line, col } = lineCounter.linePos(err.pos[0]);
      const duplicate = err.code === 'DUPLICATE_KEY' ? duplicateKeyMessage(doc, err.pos[0], lineCounter) : undefined;
      return { message: duplicate ?? `YAML syntax error: ${firstLine(err.message)}`, location: { file, line, col } };
    });
    const first = problems[0] as (typeof problems)[number];
    throw new InputError('PB_ERR_YAML_SYNTAX', first.message, { location: first.location, problems });
  }
  const positions = new SourceMap();
  const at = (offset: number): { file: string; line: number; col: number } => ({ file, ...lineCounter.linePos(offset) });
  positions.set([], doc.contents?.range ? at(doc.contents.range[0]) : { file, line: 1, col: 1 });
  if (doc.contents) walk(doc.contents as Node, [], positions, at);
  let data: unknown;
  try {
    // The alias limit stops "billion laughs" expansion; yaml throws when it is exceeded.
    data = doc.toJS({ maxAliasCount: 1000 }) as unknown;
  } catch (e) {
    throw new InputError('PB_ERR_YAML_SYNTAX', `YAML error: ${(e as Error).message}`, { cause: e, location: { file, line: 1, col: 1 } });
  }
  return { file, data, positions };
}

function walk(
  node: Node,
  path: (string | number)[],
  positions: SourceMap,
  at: (offset: number) => { file: string; line: number; col: number },
): void {
  if (isAlias(node)) return; // the alias's own position stands for everything below it
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as Node | null;
      const key = keyNode && isScalar(keyNode) ? String(keyNode.value ?? '') : String(keyNode ?? '');
      const childPath = [...path, key];
      const range = keyNode?.range ?? (pair.value as Node | null)?.range;
      if (range) {
        const quotedKey = keyNode !== null && isScalar(keyNode) && (keyNode.type === 'QUOTE_DOUBLE' || keyNode.type === 'QUOTE_SINGLE');
        positions.set(childPath, quotedKey ? { ...at(range[0]), quotedKey } : at(range[0]));
      }
      if (pair.value) walk(pair.value as Node, childPath, positions, at);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const child = item as Node;
      if (child.range) positions.set([...path, i], at(child.range[0]));
      walk(child, [...path, i], positions, at);
    });
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
