/** Code blocks of the project's Markdown files, for tests that run what the docs show. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/cli.js';

export interface CodeBlock {
  /** The info string's first word (`yaml`, `ts`, `sh`). */
  readonly lang: string;
  /** `file=NAME` from the info string, when given. */
  readonly file: string | undefined;
  readonly text: string;
}

export function codeBlocks(doc: string): CodeBlock[] {
  const text = readFileSync(path.join(repoRoot, doc), 'utf8');
  const out: CodeBlock[] = [];
  for (const m of text.matchAll(/^```(\S*)([^\n]*)\n([\s\S]*?)^```$/gm)) {
    const file = /\bfile=(\S+)/.exec(m[2] ?? '')?.[1];
    out.push({ lang: m[1] ?? '', file, text: m[3] ?? '' });
  }
  return out;
}

/** The one block of `lang` whose text contains `marker`. */
export function codeBlock(doc: string, lang: string, marker: string): string {
  const found = codeBlocks(doc).filter((b) => b.lang === lang && b.text.includes(marker));
  if (found.length !== 1) throw new Error(`${doc}: expected one ${lang} block containing ${JSON.stringify(marker)}, found ${found.length}`);
  return (found[0] as CodeBlock).text;
}
