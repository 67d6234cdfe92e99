/**
 * `parse:` on a shell item (SPEC §3.2): the command's stdout as result fields. Pure.
 *
 * - `json`: stdout (surrounding white space ignored) is one JSON object; its entries are the
 *   fields, values as they are (nested values kept). Anything else — empty output, an array, a
 *   number — is an error.
 * - `kv`: one field per line, `key value`, `key=value` or `key: value` (white space around `=`
 *   and `:` allowed). A key starts with a letter or `_` and holds letters, digits, `_`, `.`, `-`.
 *   A value that is a decimal number (`12`, `-0.5`, `1e3`) becomes a number, anything else is
 *   kept as a string (trimmed; may be empty). Empty lines and lines starting with `#` are
 *   skipped; a later line with the same key wins; any other line is an error naming it.
 */

export type ShellParseMode = 'json' | 'kv';

export const SHELL_PARSE_MODES: readonly ShellParseMode[] = ['json', 'kv'];

/** Why stdout could not be parsed; `line` is 1-based when one line is at fault. */
export class ShellParseError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'ShellParseError';
  }
}

const KV_LINE = /^\s*([A-Za-z_][\w.-]*)(?:\s*[=:]\s*|\s+)(.*?)\s*$/;
const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

export function parseShellOutput(stdout: string, mode: ShellParseMode): Record<string, unknown> {
  return mode === 'json' ? parseJson(stdout) : parseKv(stdout);
}

function parseJson(stdout: string): Record<string, unknown> {
  const text = stdout.trim();
  if (text === '') throw new ShellParseError('expected a JSON object, got no output');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ShellParseError(`expected a JSON object, got text that is not JSON (${(e as Error).message}): ${excerpt(text)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ShellParseError(`expected a JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}

function parseKv(stdout: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const lines = stdout.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    const text = line.trim();
    if (text === '' || text.startsWith('#')) continue;
    const m = KV_LINE.exec(line);
    if (!m) throw new ShellParseError(`line ${i + 1} is not \`key value\`, \`key=value\` or \`key: value\`: ${excerpt(text)}`, i + 1);
    const raw = m[2] ?? '';
    fields[m[1] as string] = NUMBER.test(raw) ? Number(raw) : raw;
  }
  return fields;
}

function excerpt(text: string): string {
  const first = text.split('\n')[0] ?? '';
  return JSON.stringify(first.length > 80 ? `${first.slice(0, 80)}…` : first);
}
