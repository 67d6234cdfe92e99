/**
 * Validate block data against schemas/block.schema.json through the validator generated from it
 * at development time (generated/block-validator.ts: no ajv import, no compile at start-up), and
 * rewrite ajv's errors into messages that name the construct, the rule, the value and what would
 * be right.
 */
import type { SourceLocation } from '../core/errors.js';
// The generated module is plain JS emitted by ajv (type-checked off); its shape is declared here.
import { validate as generatedValidate } from './generated/block-validator.js';
import { isPlainObject } from './plain-object.js';
import type { ValidationProblem } from './problems.js';
import { classifyKey } from '../language/tag-key.js';
import type { CustomTagSpec, KeyPath } from './types.js';

interface AjvError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly parentSchema?: Record<string, unknown>;
  readonly data?: unknown;
}
type Validator = ((data: unknown) => boolean) & { errors?: AjvError[] | null };
const validate = generatedValidate as unknown as Validator;

const RUN_ITEM_KINDS = ['script', 'shell', 'set', 'cd'];

/**
 * Every schema violation in `data`. Values of custom tags (`customTags`) are the tag script's
 * business, so violations inside them are dropped.
 */
export function schemaProblems(
  data: unknown,
  locate: (p: KeyPath) => SourceLocation,
  customTags: readonly CustomTagSpec[] = [],
): ValidationProblem[] {
  if (validate(data)) return [];
  const problems: ValidationProblem[] = [];
  const seen = new Set<string>();
  for (const err of validate.errors ?? []) {
    const path = pointerToPath(err.instancePath, data);
    if (customTags.length > 0 && insideCustomTag(path, customTags)) continue;
    const p = rewrite(err, path, locate);
    if (!p) continue;
    const id = `${p.location.keyPath}\u0000${p.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push(p);
  }
  return problems;
}

function rewrite(err: AjvError, path: (string | number)[], locate: (p: KeyPath) => SourceLocation): ValidationProblem | undefined {
  const schema = err.parentSchema ?? {};
  const construct = typeof schema['x-name'] === 'string' ? schema['x-name'] : undefined;
  const last = path[path.length - 1];
  const subject = construct ?? (last === undefined ? 'the block' : `'${String(last)}'`);
  const value = describe(err.data);
  const at = (p: (string | number)[] = path): SourceLocation => locate(p);
  const schemaProblem = (message: string, p?: (string | number)[]): ValidationProblem => ({ code: 'PB_ERR_SCHEMA', message, location: at(p) });

  switch (err.keyword) {
    case 'if':
      return undefined; // its `then`/`else` errors say what is wrong
    case 'additionalProperties': {
      const extra = String(err.params['additionalProperty']);
      const allowed = Object.keys((schema['properties'] as object | undefined) ?? {});
      if (RUN_ITEM_KINDS.includes(extra) && allowed.some((k) => RUN_ITEM_KINDS.includes(k))) {
        const kinds = Object.keys(isPlainObject(err.data) ? err.data : {}).filter((k) => RUN_ITEM_KINDS.includes(k));
        return schemaProblem(
          `a run item has exactly one of script, shell, set, cd; this one has ${kinds.map((k) => `'${k}'`).join(' and ')}: split it into separate items`,
          path,
        );
      }
      return {
        code: 'PB_ERR_UNKNOWN_TAG_OPTION',
        message: `unknown option '${extra}' for ${subject}; expected one of ${allowed.join(', ')}`,
        location: at([...path, extra]),
      };
    }
    case 'required': {
      const missing = String(err.params['missingProperty']);
      return schemaProblem(`${subject} is missing required option '${missing}'${example(construct, missing)}`);
    }
    case 'type': {
      const expected = String(err.params['type']).split(',').map(typeName).join(' or ');
      const yaml11 = typeof err.data === 'string' && /^(yes|no|on|off|y|n)$/i.test(err.data) && expected.includes('true or false');
      const shape = construct !== undefined ? SHAPES[construct] : undefined;
      const hint = yaml11 ? ' (YAML 1.2: write true or false)' : shape ? ` (e.g. ${shape})` : '';
      return schemaProblem(`${subject} must be ${expected}, got ${value}${hint}`);
    }
    case 'not':
      if (schema['x-rule'] === 'runItemKind') {
        const keys = isPlainObject(err.data) ? Object.keys(err.data) : [];
        return schemaProblem(
          `a run item needs one of script, shell, set, cd (or timeseries derive with cache)${keys.length ? `; got only ${keys.map((k) => `'${k}'`).join(', ')}` : '; got an empty mapping'}`,
        );
      }
      return schemaProblem(`${subject} is not allowed here, got ${value}`);
    case 'exclusiveMinimum':
    case 'minimum':
    case 'maximum':
      if (construct === 'duration') return schemaProblem(patternMessage(construct, path, value));
      if (construct === 'seconds or zero') return schemaProblem(`${subjectFor(path)} must be 0 or a positive number of seconds (or a duration such as 30s, 500ms, 2m), got ${value}`);
      if (construct === 'seconds' || schema['exclusiveMinimum'] === 0) return schemaProblem(`${subjectFor(path)} must be a positive number of seconds (or a duration such as 30s, 500ms, 2m), got ${value}`);
      return schemaProblem(`${subjectFor(path)} must be ${err.keyword === 'maximum' ? 'at most' : 'at least'} ${String(err.params['limit'])}, got ${value}`);
    case 'pattern':
      return schemaProblem(patternMessage(construct, path, value));
    case 'enum': {
      if (construct === 'min/max') return schemaProblem(`${subjectFor(path)} must be a number, U (unknown) or empty, got ${value}`);
      const allowed = (err.params['allowedValues'] as unknown[] | undefined) ?? [];
      return schemaProblem(`${subjectFor(path)} must be one of ${allowed.map(String).join(', ')}, got ${value}`);
    }
    case 'minLength':
      return schemaProblem(`${subjectFor(path)} must not be empty`);
    case 'minProperties':
    case 'maxProperties':
      if (construct === 'template') return schemaProblem(`template takes exactly one of path, text (e.g. {path: page.html}), got ${value}`);
      return schemaProblem(`${subject} must have ${err.keyword === 'minProperties' ? 'at least' : 'at most'} ${String(err.params['limit'])} entries, got ${value}`);
    case 'minItems':
      return schemaProblem(`${subjectFor(path)} must have at least ${String(err.params['limit'])} item(s)`);
    default:
      return schemaProblem(`${subjectFor(path)}: violates schema rule '${err.keyword}', got ${value}`);
  }
}

/** Does the path pass through a custom tag key while still walking levels (mappings of tags)? */
function insideCustomTag(path: readonly (string | number)[], customTags: readonly CustomTagSpec[]): boolean {
  for (const seg of path) {
    if (typeof seg !== 'string') return false;
    const kind = classifyKey(seg, customTags).kind;
    if (kind === 'custom') return true;
    if (kind !== 'data' && kind !== 'if' && kind !== 'elif' && kind !== 'else') return false;
  }
  return false;
}

function subjectFor(path: (string | number)[]): string {
  const last = path[path.length - 1];
  return last === undefined ? 'the block' : typeof last === 'number' ? `item ${last}` : `'${last}'`;
}

function patternMessage(construct: string | undefined, path: (string | number)[], value: string): string {
  if (construct === 'seconds' || construct === 'seconds or zero') return `${subjectFor(path)} must be a number of seconds or a duration such as 30s, 500ms, 2m, got ${value}`;
  if (construct === 'duration') return `${subjectFor(path)} must be a positive duration: seconds or e.g. 30s, 5m, 1h, 1d, 2w; got ${value}`;
  if (construct === 'archive') return `archive must be 'CF xff steps rows' with CF one of AVERAGE, MIN, MAX, LAST (e.g. 'AVERAGE 0.5 1 86400' or 'RRA:AVERAGE:0.5:1:86400'), got ${value}`;
  if (path[path.length - 1] === 'letter') return `option letter must be a single letter or digit, got ${value}`;
  if (path[path.length - 1] !== undefined && path[path.length - 2] === 'colors') return `colour must be '#RRGGBB' or '#RGB', got ${value}`;
  return `${subjectFor(path)} has the wrong format, got ${value}`;
}

/** What a construct looks like, for messages about a value of the wrong shape. */
const SHAPES: Readonly<Record<string, string>> = {
  run: '[{script: check.ts}, {shell: "uptime"}]',
  'run simultaneous': '{poller: [{script: poll.ts}], server: [{script: serve.ts}]}',
  template: '{path: page.html} or {text: "Hello %(name)s"}',
  'require lock': '{name: my-lock, timeout: 5}',
  'release lock': '{name: my-lock}',
  'put tag in queue': '[{tag: report, queue: reports}]',
  'timeseries collect': '{path: x.rrd, interval: 5, fields: {random: {type: GAUGE}}}',
  alert: '{slow: {when: "pct(ms < 200, last 20) < 80", for: 30s, run: [{script: page.ts}]}}',
  'alert definition': '{when: "last(ms) > 500", for: 30s, clear: "last(ms) < 300"}',
  'timeseries derive': '{fields: {total: "web1.ms + web2.ms"}, sources: {web1: web1.rrd}}',
  'derived fields': '{total: "web1.ms + web2.ms"}',
  expression: '"pct(ms < 200, last 20) < 80"',
  'run item': '{script: check.ts}',
  'custom tag': '{script: notify.ts, priority: 700}',
};

function example(construct: string | undefined, missing: string): string {
  if (construct === 'require lock' || construct === 'release lock') return ` (e.g. {name: my-lock})`;
  if (construct === 'shell') return ` (e.g. {command: "ls -l"})`;
  if (construct === 'timeseries collect' && missing === 'fields') return ` (e.g. fields: {random: {type: GAUGE}})`;
  if (construct === 'timeseries collect' && missing === 'interval') return ` (the RRD step in seconds, e.g. interval: 5)`;
  if (construct === 'timeseries field' && missing === 'type') return ` (one of GAUGE, COUNTER, DERIVE, ABSOLUTE)`;
  if (construct === 'alert definition' && missing === 'when') return ` (the condition, e.g. when: "pct(ms < 200, last 20) < 80")`;
  if (construct === 'timeseries derive' && missing === 'fields') return ` (derived field → expression, e.g. fields: {total: "a.x + b.x"})`;
  return '';
}

function typeName(t: string): string {
  switch (t) {
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'integer':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'empty';
    default:
      return t;
  }
}

/** A short rendering of an offending value for messages. */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null (empty)';
  if (Array.isArray(v)) return `a list (${truncate(JSON.stringify(v))})`;
  if (typeof v === 'object') return `a mapping (${truncate(JSON.stringify(v))})`;
  return `${typeof v} ${truncate(JSON.stringify(v))}`;
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** `/run/2/shell` → `['run', 2, 'shell']` (numbers where the container is a list). */
function pointerToPath(pointer: string, data: unknown): (string | number)[] {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      path.push(Number(seg));
      node = node[Number(seg)];
    } else {
      path.push(seg);
      node = isPlainObject(node) ? node[seg] : undefined;
    }
  }
  return path;
}
