/**
 * The message for a YAML duplicate key. The yaml package says only "Map keys must be unique";
 * the usual cause in a block is two if/else chains side by side, whose two `else:` keys collide,
 * so that case names `else` and gives the fix.
 */
import { isPair, isScalar, visit } from 'yaml';
import type { Document, LineCounter } from 'yaml';

export function duplicateKeyMessage(doc: Document, offset: number, lines: LineCounter): string | undefined {
  let found: { key: string; firstLine: number | undefined } | undefined;
  visit(doc, {
    Map(_, map) {
      const seen = new Map<string, number>();
      for (const pair of map.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        const start = pair.key.range?.[0];
        if (start === undefined) continue;
        if (start === offset && seen.has(key)) {
          found = { key, firstLine: lines.linePos(seen.get(key) as number).line };
          return visit.BREAK;
        }
        if (!seen.has(key)) seen.set(key, start);
      }
      return undefined;
    },
  });
  if (!found) return undefined;
  const first = found.firstLine === undefined ? '' : ` (the first is on line ${found.firstLine})`;
  if (found.key === 'else') {
    return (
      `a second 'else' key in the same mapping${first}: YAML keys must be unique, so a mapping holds one sibling 'else'. ` +
      `For a second if/else chain, put its fallback inside its 'if' mapping (if b > 1: {y: 1, else: {y: 2}}), ` +
      `or give the chain a mapping of its own`
    );
  }
  return `key '${found.key}' appears twice in the same mapping${first}: YAML keys must be unique; rename one or merge their values`;
}

