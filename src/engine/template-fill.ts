/**
 * Pure: Python-style `%(key)s` placeholders filled from pipe data (or several mappings in order). `key` is a dot path
 * (pipe-path.ts). Conversions: `s` (strings as-is, other values as JSON), `d`/`i` (integer),
 * `f` (6 decimals), `r` (JSON); `%%` is a literal `%`; any other `%` is left alone.
 * Choice: a missing key fills '' and is reported in `missing` (the tag warns) — a page with a
 * blank beats a page that fails to render.
 *
 * HTML templates (`escape: 'html'`: dropSTAR pages, `.html` files) escape every filled value;
 * `%(key|raw)s` is the one explicit raw form (the value is inserted as written: the page or
 * script that produced it owns its escaping). In plain-text templates `|raw` changes nothing.
 */
import { getPath } from './pipe-path.js';
import type { PipeData } from './types.js';

const PLACEHOLDER = /%\(([^()]+)\)([sdifr])|%%/g;
const RAW_SUFFIX = '|raw';

export type TemplateEscape = 'none' | 'html';

export interface FilledTemplate {
  text: string;
  missing: string[];
}

/**
 * `sources`: one mapping, or several looked up in order (the first that has the key wins; the
 * template tag passes the level's processed keys, the enclosing levels', then pipe data).
 */
export function fillTemplate(text: string, sources: PipeData | readonly PipeData[], escape: TemplateEscape = 'none'): FilledTemplate {
  const list: readonly PipeData[] = Array.isArray(sources) ? sources : [sources as PipeData];
  const missing: string[] = [];
  const out = text.replace(PLACEHOLDER, (_whole, written: string | undefined, conv: string | undefined) => {
    if (written === undefined) return '%';
    const raw = written.endsWith(RAW_SUFFIX);
    const key = raw ? written.slice(0, -RAW_SUFFIX.length) : written;
    let hit = { found: false, value: undefined as unknown };
    for (const source of list) {
      hit = getPath(source, key);
      if (hit.found && hit.value !== undefined) break;
    }
    if (!hit.found || hit.value === undefined) {
      if (!missing.includes(key)) missing.push(key);
      return '';
    }
    const value = convert(hit.value, conv ?? 's');
    return escape === 'html' && !raw ? escapeHtml(value) : value;
  });
  return { text: out, missing };
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

function convert(v: unknown, conv: string): string {
  switch (conv) {
    case 'd':
    case 'i': {
      const n = Number(v);
      return Number.isFinite(n) ? String(Math.trunc(n)) : String(v);
    }
    case 'f': {
      const n = Number(v);
      return Number.isFinite(n) ? n.toFixed(6) : String(v);
    }
    case 'r':
      return JSON.stringify(v) ?? 'null';
    default:
      return typeof v === 'string' ? v : v === null ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
}
