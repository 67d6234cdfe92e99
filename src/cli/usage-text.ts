/**
 * The block's usage text, in the original's familiar layout: a Name/Author/Website header, a
 * `usage:` line, then aligned Args and Options tables. Pure.
 */
import type { UsageSpec } from '../config/types.js';

export function blockUsageText(usage: UsageSpec | undefined, fileShown: string): string {
  const lines: string[] = [];
  if (usage?.name) lines.push(`Name: ${usage.name}`);
  if (usage?.author) lines.push(`Author: ${usage.author}`);
  if (usage?.website) lines.push(`Website: ${usage.website}`);
  if (usage?.info) lines.push(`Info: ${usage.info}`);
  if (lines.length > 0) lines.push('');

  const argWords = (usage?.args ?? []).map((a) => {
    if (a.remaining) return `[${a.name}1 ${a.name}2 ...]`;
    if (a.required) return a.name;
    return `[${a.name}]`;
  });
  const hasOptions = (usage?.options.length ?? 0) > 0;
  lines.push(`usage: procblock ${fileShown}${hasOptions ? ' [options]' : ''}${argWords.length ? ` ${argWords.join(' ')}` : ''}`);

  const args = usage?.args ?? [];
  if (args.length > 0) {
    lines.push('', 'Args:');
    const rows = args.map((a) => {
      const notes: string[] = [];
      if (a.required) notes.push('(Required)');
      if (a.remaining) notes.push('(<Takes 0 or more args>)');
      if (!a.required && a.default !== undefined) notes.push(`(Default=${show(a.default)})`);
      return [a.name, [a.info ?? '', ...notes].filter(Boolean).join(' ')] as const;
    });
    lines.push(...table(rows));
  }
  const options = usage?.options ?? [];
  lines.push('', 'Options:');
  const rows = [
    ['-h, --help', 'Show this help and exit'] as const,
    ...options.map((o) => {
      const flag = `${o.letter ? `-${o.letter}, ` : '    '}--${o.name}${o.type === 'value' ? ' VALUE' : ''}`;
      const notes: string[] = [];
      if (o.type === 'flag') notes.push('(<Flag>)');
      if (o.hasDefault && o.default !== null && !(o.type === 'flag' && o.default === false)) notes.push(`(Default=${show(o.default)})`);
      return [flag, [o.info ?? '', ...notes].filter(Boolean).join(' ')] as const;
    }),
  ];
  lines.push(...table(rows));
  return lines.join('\n');
}

function table(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`.trimEnd());
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The banner printed to stderr before processing (SPEC §1.1). */
export function bannerText(usage: UsageSpec | undefined): string | undefined {
  if (!usage) return undefined;
  const lines: string[] = [];
  if (usage.name) lines.push(`Name: ${usage.name}`);
  if (usage.author) lines.push(`Author: ${usage.author}`);
  if (usage.info) lines.push(`Info: ${usage.info}`);
  return lines.length > 0 ? lines.join('\n') : undefined;
}
