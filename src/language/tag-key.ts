/**
 * What a mapping key means (SPEC §2.1, §2.3, §2.4): a pure classifier used by validation and by
 * the engine. Each result carries its default priority; a mapping value's own `__priority`
 * overrides it (see `priorityOf`).
 *
 * Choices where the spec is silent:
 * - Keywords match case-sensitively; words of a multi-word keyword may be separated by spaces or
 *   `_` (`list_add x`, `run_simultaneous`, `require_lock`, `put_tag_in_queue`).
 * - Built-in tags win over custom tags: a custom pattern never shadows `run`, `if ...` etc.
 * - A bare `set`, `increment`, ... without a NAME is plain data (a key, not a tag).
 * - `else` has the priority of `if` (600), so a sibling `else` stays after its `if` by document order.
 * - Internal `__` keys get priority 500 (processed with the data; removed from the result).
 */
import { parseCondition } from './conditions/parse.js';
import type { CustomTagSpec } from './custom-tag.js';
import { editDistance, isTransposition } from './edit-distance.js';

export const PRIORITY = {
  requireLock: 0,
  pipeData: 50,
  data: 500,
  condition: 600,
  run: 800,
  template: 900,
  /** After the level's run lists and templates: RunThreads exist when pages start serving. */
  dropstar: 1000,
  last: 9999,
  customDefault: 500,
} as const;

export type InternalKind = 'priority' | 'return_tag' | 'import' | 'usage' | 'tags' | 'other';

export type TagKey =
  | { readonly kind: 'if'; readonly condition: string; readonly priority: number }
  | { readonly kind: 'elif'; readonly condition: string; readonly priority: number }
  | { readonly kind: 'else'; readonly priority: number }
  | { readonly kind: 'set'; readonly name: string; readonly priority: number }
  | { readonly kind: 'list add'; readonly name: string; readonly priority: number }
  | { readonly kind: 'list del'; readonly name: string; readonly priority: number }
  | { readonly kind: 'increment'; readonly name: string; readonly priority: number }
  | { readonly kind: 'decrement'; readonly name: string; readonly priority: number }
  | { readonly kind: 'run'; readonly priority: number }
  | { readonly kind: 'run simultaneous'; readonly priority: number }
  | { readonly kind: 'template'; readonly priority: number }
  /** `dropstar:` (SPEC §7): the web server; its pages and RPC mappings are processed per request. */
  | { readonly kind: 'dropstar'; readonly priority: number }
  | { readonly kind: 'require lock'; readonly priority: number }
  | { readonly kind: 'release lock'; readonly priority: number }
  /** `tag`/`queue` are present for `put tag T in queue Q`; absent for `put tag in queue` (names in the value). */
  | { readonly kind: 'put tag'; readonly tag?: string | undefined; readonly queue?: string | undefined; readonly priority: number }
  /** `__name`; for `__import__NAME`, `internal` is 'import' and `target` is NAME. */
  | {
      readonly kind: 'internal';
      readonly internal: InternalKind;
      readonly name: string;
      readonly target?: string | undefined;
      readonly priority: number;
    }
  | { readonly kind: 'custom'; readonly spec: CustomTagSpec; readonly priority: number }
  | { readonly kind: 'data'; readonly priority: number };

export type TagKind = TagKey['kind'];

const SEP = '[ _]+';
const NAMED: readonly { re: RegExp; kind: 'set' | 'list add' | 'list del' | 'increment' | 'decrement' }[] = [
  { re: /^set\s+(.*\S)\s*$/, kind: 'set' },
  { re: new RegExp(`^list${SEP}add\\s+(.*\\S)\\s*$`), kind: 'list add' },
  { re: new RegExp(`^list${SEP}del\\s+(.*\\S)\\s*$`), kind: 'list del' },
  { re: /^increment\s+(.*\S)\s*$/, kind: 'increment' },
  { re: /^decrement\s+(.*\S)\s*$/, kind: 'decrement' },
];
const RUN_SIMULTANEOUS_RE = new RegExp(`^run${SEP}simultaneous$`);
const REQUIRE_LOCK_RE = new RegExp(`^require${SEP}lock$`);
const RELEASE_LOCK_RE = new RegExp(`^release${SEP}lock$`);
const PUT_TAG_BARE_RE = new RegExp(`^put${SEP}tag${SEP}in${SEP}queue$`);
const PUT_TAG_NAMED_RE = new RegExp(`^put${SEP}tag\\s+(\\S+)\\s+in${SEP}queue\\s+(\\S+)$`);
const IF_RE = /^if\s+(.*\S)\s*$/;
const ELIF_RE = /^elif\s+(.*\S)\s*$/;

export function classifyKey(key: string, customTags: readonly CustomTagSpec[]): TagKey {
  if (key.startsWith('__')) return classifyInternal(key);
  const builtIn = classifyBuiltIn(key);
  if (builtIn) return builtIn;
  for (const spec of customTags) {
    if (spec.regex.test(key)) return { kind: 'custom', spec, priority: spec.priority };
  }
  return { kind: 'data', priority: PRIORITY.data };
}

function classifyBuiltIn(key: string): TagKey | undefined {
  let m = IF_RE.exec(key);
  if (m) return { kind: 'if', condition: m[1] as string, priority: PRIORITY.condition };
  m = ELIF_RE.exec(key);
  if (m) return { kind: 'elif', condition: m[1] as string, priority: PRIORITY.condition };
  if (key === 'else') return { kind: 'else', priority: PRIORITY.condition };
  if (key === 'run') return { kind: 'run', priority: PRIORITY.run };
  if (RUN_SIMULTANEOUS_RE.test(key)) return { kind: 'run simultaneous', priority: PRIORITY.run };
  if (key === 'template') return { kind: 'template', priority: PRIORITY.template };
  if (key === 'dropstar') return { kind: 'dropstar', priority: PRIORITY.dropstar };
  if (REQUIRE_LOCK_RE.test(key)) return { kind: 'require lock', priority: PRIORITY.requireLock };
  if (RELEASE_LOCK_RE.test(key)) return { kind: 'release lock', priority: PRIORITY.last };
  if (PUT_TAG_BARE_RE.test(key)) return { kind: 'put tag', priority: PRIORITY.last };
  m = PUT_TAG_NAMED_RE.exec(key);
  if (m) return { kind: 'put tag', tag: m[1] as string, queue: m[2] as string, priority: PRIORITY.last };
  for (const { re, kind } of NAMED) {
    m = re.exec(key);
    if (m) return { kind, name: m[1] as string, priority: PRIORITY.pipeData };
  }
  return undefined;
}

function classifyInternal(key: string): TagKey {
  const name = key.slice(2);
  const base = { kind: 'internal', name, priority: PRIORITY.data } as const;
  if (name.startsWith('import__')) return { ...base, internal: 'import', target: name.slice('import__'.length) };
  switch (name) {
    case 'priority':
      return { ...base, internal: 'priority' };
    case 'return_tag':
      return { ...base, internal: 'return_tag' };
    case 'usage':
      return { ...base, internal: 'usage' };
    case 'tags':
      return { ...base, internal: 'tags' };
    default:
      return { ...base, internal: 'other' };
  }
}

/** The priority a key is processed at: a mapping value's numeric `__priority`, else the tag's default. */
export function priorityOf(tag: TagKey, value: unknown): number {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const p = (value as Record<string, unknown>)['__priority'];
    if (typeof p === 'number' && Number.isFinite(p)) return p;
  }
  return tag.priority;
}

/** A data key that looks like a misspelled tag, and the key it was probably meant to be. */
export interface TagSuggestion {
  /** The key with its leading words corrected: `increment hits` for `incremnt hits`. */
  readonly key: string;
  /** The custom tag's pattern, when the corrected key is a custom tag. */
  readonly custom?: string | undefined;
}

const BUILT_IN_WORDS = [
  'if', 'elif', 'else', 'set', 'run', 'list add', 'list del', 'increment', 'decrement', 'template',
  'put tag', 'run simultaneous', 'require lock', 'release lock', 'put tag in queue', 'dropstar',
] as const;

/**
 * The tag a key classified as plain data was probably meant to be, or undefined (SPEC §2.1 makes
 * any unknown key data, so a typo would otherwise pass silently). Pure. The rule, written down in
 * docs/engine.md:
 * - The key's first words (split on spaces and `_`) are compared with each tag keyword and with
 *   the literal words a custom tag's pattern starts with (`notify` of `notify .*`).
 * - Keywords of up to 4 letters (`if`, `set`, `run`, `else`, `elif`) match only a different
 *   letter case or one swapped pair of letters (`Run`, `esle`, `fi x > 1`): they are too short
 *   for edits (`id`, `get`, `ease` are ordinary data keys). Keywords of 5–9 letters allow one
 *   edit (`incremnt`, `list ad`), longer ones two (`run simultanous`, `require lok`).
 * - `elsif`/`elseif` (Perl, Ruby, PHP) are taken for `elif`.
 * - A key that merely extends a keyword (`templates`, `settings`, `running`) is a word of its own.
 * - The corrected key must really be that tag: `if`/`elif` with a condition that parses, named
 *   tags with their NAME, a custom tag's pattern matching the whole corrected key; and for the
 *   short keywords the value must fit (`run` a list, `else` a mapping).
 */
export function suggestTag(key: string, customTags: readonly CustomTagSpec[], value?: unknown): TagSuggestion | undefined {
  if (key.startsWith('__')) return undefined;
  const tokens = [...key.matchAll(/[^\s_]+/g)];
  let best: { s: TagSuggestion; d: number } | undefined;
  const consider = (keyword: string, accept: (corrected: string) => TagSuggestion | undefined): void => {
    const words = keyword.split(' ');
    const last = tokens[words.length - 1];
    if (tokens[0]?.index !== 0 || last === undefined) return;
    const head = tokens.slice(0, words.length).map((t) => t[0]).join(' ');
    const d = closeness(head, keyword);
    if (d === undefined || (best !== undefined && best.d <= d)) return;
    const corrected = keyword + key.slice((last.index ?? 0) + last[0].length);
    const s = accept(corrected);
    if (s !== undefined) best = { s, d };
  };
  for (const keyword of BUILT_IN_WORDS) {
    consider(keyword, (corrected) => {
      const t = classifyKey(corrected, []);
      if (t.kind === 'data' || t.kind === 'internal' || t.kind === 'custom') return undefined;
      if ((t.kind === 'if' || t.kind === 'elif') && !parses(t.condition)) return undefined;
      if (t.kind === 'run' && value !== undefined && !Array.isArray(value)) return undefined;
      if (t.kind === 'else' && value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) return undefined;
      return { key: corrected };
    });
  }
  for (const spec of customTags) {
    const literal = literalPrefix(spec.pattern);
    if (literal.length < 4) continue;
    consider(literal, (corrected) => (spec.regex.test(corrected) && classifyBuiltIn(corrected) === undefined ? { key: corrected, custom: spec.pattern } : undefined));
  }
  return best?.s;
}

/** Spellings other languages use for our keywords. */
const OTHER_LANGUAGES: Readonly<Record<string, string>> = { elsif: 'elif', elseif: 'elif' };

/** How far `head` is from `keyword` under the rule above (0 = a letter-case difference), or undefined. */
function closeness(head: string, keyword: string): number | undefined {
  if (head === keyword) return undefined;
  const lower = head.toLowerCase();
  keyword = keyword.toLowerCase();
  if (lower === keyword) return 0;
  if (OTHER_LANGUAGES[lower] === keyword) return 1;
  if (lower.startsWith(keyword)) return undefined; // `templates`, `running`: a word of its own
  if (keyword.length <= 4) return isTransposition(lower, keyword) ? 1 : undefined;
  const d = editDistance(lower, keyword);
  return d <= (keyword.length <= 9 ? 1 : 2) ? d : undefined;
}

function parses(condition: string): boolean {
  try {
    parseCondition(condition);
    return true;
  } catch {
    return false;
  }
}

/** The literal words a custom tag pattern starts with: `notify` of `notify .*`, `page ops` of `page ops (\\w+)`. */
function literalPrefix(pattern: string): string {
  const m = /^\^?([A-Za-z0-9 _-]*)/.exec(pattern);
  const text = (m?.[1] ?? '').replace(/[\s_]+/g, ' ').trim();
  // A quantifier right after the literal applies to its last character: drop that word.
  const next = pattern.slice((m?.[0] ?? '').length, (m?.[0] ?? '').length + 1);
  if (next !== '' && '?*+{'.includes(next) && !/\s$/.test(m?.[1] ?? '')) return text.split(' ').slice(0, -1).join(' ');
  return text;
}
