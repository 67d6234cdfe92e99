/** Tokens of the window expression language. Pure; errors carry the 1-based column. */
import { durationTextSeconds } from './duration.js';
import { AlertExprSyntaxError } from './syntax-error.js';

export type Token =
  | { readonly kind: 'number'; readonly value: number; readonly text: string; readonly pos: number }
  | { readonly kind: 'duration'; readonly seconds: number; readonly text: string; readonly pos: number }
  | { readonly kind: 'name'; readonly text: string; readonly quoted: boolean; readonly pos: number }
  | { readonly kind: 'op'; readonly text: string; readonly pos: number }
  | { readonly kind: 'end'; readonly text: ''; readonly pos: number };

const OPS = ['<=', '>=', '==', '!=', '<', '>', '+', '-', '*', '/', '%', '(', ')', ',', '.'];
/** Spellings from other languages, with what to write instead. */
const FOREIGN: Readonly<Record<string, string>> = { '&&': 'and', '||': 'or', '!': 'not', '=': '==', '<>': '!=', '=<': '<=', '=>': '>=' };

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const fail = (pos: number, what: string, right: string): never => {
    throw new AlertExprSyntaxError(text, pos, what, right);
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?[A-Za-z_0-9.]*/.exec(text.slice(i)) as RegExpExecArray;
      const word = m[0];
      const num = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/.exec(word);
      if (num) out.push({ kind: 'number', value: Number(word), text: word, pos: i });
      else {
        const seconds = durationTextSeconds(word);
        if (seconds === undefined) fail(i, `'${word}' is neither a number nor a duration`, 'durations are a number and a unit ms, s, m, h, d or w, e.g. 30s, 5m, 1h30m');
        out.push({ kind: 'duration', seconds: seconds as number, text: word, pos: i });
      }
      i += word.length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const word = (/^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i)) as RegExpExecArray)[0];
      out.push({ kind: 'name', text: word, quoted: false, pos: i });
      i += word.length;
      continue;
    }
    if (c === '`') {
      const end = text.indexOf('`', i + 1);
      if (end === -1) fail(i, 'unbalanced ` (a quoted name is never closed)', 'close it: `web-check`.ms');
      const name = text.slice(i + 1, end);
      if (name === '') fail(i, 'empty quoted name ``', 'write a thread or field name between the backquotes');
      out.push({ kind: 'name', text: name, quoted: true, pos: i });
      i = end + 1;
      continue;
    }
    if (c === '"' || c === "'") {
      fail(i, 'strings are not part of alert expressions (they compare numbers)', 'compare a field with a number, e.g. ok == 1; quote names with backquotes: `web-check`.ms');
    }
    const two = text.slice(i, i + 2);
    if (FOREIGN[two] !== undefined) fail(i, `unknown operator '${two}'`, `write '${FOREIGN[two]}'`);
    const op = OPS.find((o) => text.startsWith(o, i));
    if (op === undefined) {
      if (FOREIGN[c] !== undefined) fail(i, `unknown operator '${c}'`, `write '${FOREIGN[c]}'`);
      fail(i, `unexpected character '${c}'`, 'expressions use numbers, names, window functions and + - * / % < <= > >= == != and or not');
    }
    out.push({ kind: 'op', text: op as string, pos: i });
    i += (op as string).length;
  }
  out.push({ kind: 'end', text: '', pos: text.length });
  return out;
}
