/**
 * The `dropstar:` mapping (SPEC §7) → a frozen `DropstarConfig`. Settings may use `%(key)s`
 * placeholders filled from pipe data (`port: "%(port)s"`); pages and RPC entries are kept as
 * blocks of their own, processed per request. Every problem names the file, line and key path.
 *
 * Choices where the spec is silent (docs/dropstar.md has the user's view):
 * - Page keys `title`, `aliases`, `timeout`, `events` configure the page and are not processed;
 *   RPC entries take `timeout`. Everything else is the mapping the engine processes.
 * - A page name or alias is one or more path segments of `[A-Za-z0-9._~-]` (no leading dot);
 *   names of the built-in routes (`rpc`, `graph`, `events`, `static`, `healthz`, `metrics`,
 *   `_dropstar`, `favicon.ico`) are refused.
 * - Limits: body 1 MiB, URL 8 KiB, headers 16 KiB, request timeout 30 s, 1000 `/events` clients.
 */
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { KeyPath, LoadedBlock } from '../config/types.js';
import { InputError, formatKeyPath } from '../core/errors.js';
import { fillTemplate } from '../engine/template-fill.js';
import type { WebStartRequest } from '../engine/types.js';
import { parseAuth, type AuthConfig } from './auth.js';

export interface PageSpec {
  readonly name: string;
  readonly title: string;
  /** URL paths (without leading slash) that serve this page besides its name. */
  readonly aliases: readonly string[];
  /** The page mapping (config keys removed) as a block processed per request. */
  readonly block: LoadedBlock;
  readonly timeoutMs: number;
  /** `/events` topics the page subscribes to (`data-pb-events`). */
  readonly events: string;
}

export interface RpcSpec {
  readonly name: string;
  readonly block: LoadedBlock;
  readonly timeoutMs: number;
}

export interface DropstarLimits {
  readonly bodyBytes: number;
  readonly urlBytes: number;
  readonly headerBytes: number;
  readonly timeoutMs: number;
  readonly eventClients: number;
}

export interface DropstarConfig {
  readonly host: string;
  readonly port: number;
  readonly title: string;
  /** Absolute real path of the static folder, when one is configured. */
  readonly staticDir: string | undefined;
  /** Extra stylesheets every generated page links (URL paths). */
  readonly stylesheets: readonly string[];
  readonly pages: readonly PageSpec[];
  readonly rpc: ReadonlyMap<string, RpcSpec>;
  readonly auth: AuthConfig | undefined;
  readonly insecure: boolean;
  /** Host header names accepted besides the loopback names and `host`. */
  readonly allowedHosts: readonly string[];
  readonly limits: DropstarLimits;
}

export const DROPSTAR_DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  port: 8080,
  bodyBytes: 1024 * 1024,
  urlBytes: 8 * 1024,
  headerBytes: 16 * 1024,
  timeoutSeconds: 30,
  eventClients: 1000,
  events: 'thread:*',
});

const TOP_KEYS = new Set([
  'host', 'port', 'title', 'static', 'stylesheets', 'pages', 'rpc', 'auth', 'insecure', 'allowed_hosts',
  'timeout', 'max_body', 'max_url', 'max_headers', 'max_event_clients',
]);
const PAGE_CONFIG_KEYS = new Set(['title', 'aliases', 'timeout', 'events']);
const RPC_CONFIG_KEYS = new Set(['timeout']);
const RESERVED = new Set(['rpc', 'graph', 'events', 'static', 'healthz', 'metrics', '_dropstar', 'favicon.ico']);
const ROUTE_NAME = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]*(?:\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*$/;
const RPC_NAME = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$/;

export function parseDropstarConfig(request: WebStartRequest): DropstarConfig {
  const { block, path: at, config: raw, pipeData } = request;
  const fail = (keyPath: KeyPath, message: string): never => {
    const location = block.locate([...at, ...keyPath]);
    throw new InputError('PB_ERR_VALIDATION', `dropstar.${formatKeyPath(keyPath)}: ${message}`, { location: { ...location, keyPath: formatKeyPath([...at, ...keyPath]) } });
  };
  for (const key of Object.keys(raw)) {
    if (!TOP_KEYS.has(key)) fail([key], `unknown setting (known: ${[...TOP_KEYS].join(', ')})`);
  }
  /** A scalar setting with placeholders filled; undefined when absent. */
  const setting = (key: string): string | undefined => {
    const v = raw[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (typeof v !== 'string') return fail([key], `must be a string or number, got ${JSON.stringify(v)}`);
    return fillTemplate(v, pipeData).text.trim();
  };
  const count = (key: string, dflt: number, min: number, max: number): number => {
    const s = setting(key);
    if (s === undefined) return dflt;
    const n = s === '' ? NaN : Number(s);
    if (!Number.isInteger(n) || n < min || n > max) fail([key], `must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw[key])}${s !== raw[key] ? ` (${JSON.stringify(s)} after filling placeholders)` : ''}`);
    return n;
  };
  const seconds = (v: unknown, keyPath: KeyPath, dflt: number): number => {
    if (v === undefined || v === null) return dflt * 1000;
    const n = typeof v === 'string' ? Number(fillTemplate(v, pipeData).text) : v;
    if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0 || n > 86_400) fail(keyPath, `must be a positive number of seconds, got ${JSON.stringify(v)}`);
    return (n as number) * 1000;
  };
  const flag = (key: string): boolean => {
    const s = setting(key);
    if (s === undefined) return false;
    if (s !== 'true' && s !== 'false') fail([key], `must be true or false, got ${JSON.stringify(raw[key])}`);
    return s === 'true';
  };

  const host = setting('host') || DROPSTAR_DEFAULTS.host;
  const port = count('port', DROPSTAR_DEFAULTS.port, 0, 65_535);
  const timeoutSec = seconds(raw.timeout, ['timeout'], DROPSTAR_DEFAULTS.timeoutSeconds) / 1000;
  const holderDir = (key: string): string => path.dirname(block.locate([...at, key]).file);

  let staticDir: string | undefined;
  const staticSetting = setting('static');
  if (staticSetting) {
    const dir = path.resolve(holderDir('static'), staticSetting);
    try {
      if (!statSync(dir).isDirectory()) fail(['static'], `${dir} is not a folder`);
      staticDir = realpathSync(dir);
    } catch (e) {
      if (e instanceof InputError) throw e;
      fail(['static'], `folder ${dir} cannot be read: ${(e as Error).message}`);
    }
  }

  const stylesheets = stringList(raw.stylesheets, ['stylesheets'], fail).map((s) => fillTemplate(s, pipeData).text);
  const allowedHosts = stringList(raw.allowed_hosts, ['allowed_hosts'], fail).map((h) => h.toLowerCase());

  const pages: PageSpec[] = [];
  const taken = new Set<string>();
  const pagesRaw = mapping(raw.pages, ['pages'], fail);
  for (const [name, value] of Object.entries(pagesRaw)) {
    const keyPath = ['pages', name];
    if (!ROUTE_NAME.test(name) || RESERVED.has(name.split('/')[0] as string)) fail(keyPath, `'${name}' cannot be a page name: use letters, digits, '-', '_', '~', '.', not a built-in route (${[...RESERVED].join(', ')})`);
    const page = mapping(value, keyPath, fail);
    const aliases = stringList(page.aliases, [...keyPath, 'aliases'], fail).map((a) => a.replace(/^\/+/, ''));
    for (const [i, alias] of aliases.entries()) {
      if (alias !== '' && (!ROUTE_NAME.test(alias) || RESERVED.has(alias.split('/')[0] as string))) fail([...keyPath, 'aliases', i], `'${alias}' cannot be a page path`);
    }
    for (const p of [name, ...aliases]) {
      if (taken.has(p)) fail(keyPath, `the path '/${p}' is already taken by another page`);
      taken.add(p);
    }
    const title = page.title === undefined ? name : String(page.title);
    const events = page.events === undefined ? DROPSTAR_DEFAULTS.events : Array.isArray(page.events) ? page.events.join(' ') : String(page.events);
    pages.push(
      Object.freeze({
        name,
        title,
        aliases: Object.freeze(aliases),
        block: subBlock(block, [...at, ...keyPath], page, PAGE_CONFIG_KEYS),
        timeoutMs: seconds(page.timeout, [...keyPath, 'timeout'], timeoutSec),
        events,
      }),
    );
  }

  const rpc = new Map<string, RpcSpec>();
  for (const [name, value] of Object.entries(mapping(raw.rpc, ['rpc'], fail))) {
    const keyPath = ['rpc', name];
    if (!RPC_NAME.test(name)) fail(keyPath, `'${name}' cannot be an RPC name: use letters, digits, '-', '_', '~', '.'`);
    const entry = mapping(value, keyPath, fail);
    rpc.set(name, Object.freeze({ name, block: subBlock(block, [...at, ...keyPath], entry, RPC_CONFIG_KEYS), timeoutMs: seconds(entry.timeout, [...keyPath, 'timeout'], timeoutSec) }));
  }

  const auth = raw.auth === undefined || raw.auth === null ? undefined : parseAuth(raw.auth, { pipeData, baseDir: holderDir('auth'), fail: (p, m) => fail(['auth', ...p], m) });

  return Object.freeze({
    host,
    port,
    title: setting('title') ?? block.usage?.name ?? 'dropSTAR',
    staticDir,
    stylesheets: Object.freeze(stylesheets),
    pages: Object.freeze(pages),
    rpc,
    auth,
    insecure: flag('insecure'),
    allowedHosts: Object.freeze(allowedHosts),
    limits: Object.freeze({
      bodyBytes: count('max_body', DROPSTAR_DEFAULTS.bodyBytes, 0, 1024 ** 3),
      urlBytes: count('max_url', DROPSTAR_DEFAULTS.urlBytes, 256, 64 * 1024),
      headerBytes: count('max_headers', DROPSTAR_DEFAULTS.headerBytes, 1024, 1024 * 1024),
      timeoutMs: timeoutSec * 1000,
      eventClients: count('max_event_clients', DROPSTAR_DEFAULTS.eventClients, 0, 100_000),
    }),
  });
}

/** A page or RPC mapping as a block of its own: errors still name the place in the real file. */
function subBlock(block: LoadedBlock, at: KeyPath, mappingValue: Readonly<Record<string, unknown>>, configKeys: ReadonlySet<string>): LoadedBlock {
  const data: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(mappingValue)) if (!configKeys.has(k)) data[k] = v;
  return { ...block, data: Object.freeze(data), locate: (p) => block.locate([...at, ...p]) };
}

type Fail = (keyPath: KeyPath, message: string) => never;

function mapping(v: unknown, keyPath: KeyPath, fail: Fail): Readonly<Record<string, unknown>> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) return fail(keyPath, `must be a mapping, got ${JSON.stringify(v)}`);
  return v as Readonly<Record<string, unknown>>;
}

function stringList(v: unknown, keyPath: KeyPath, fail: Fail): string[] {
  if (v === undefined || v === null) return [];
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.some((x) => typeof x !== 'string')) return fail(keyPath, `must be a list of strings, got ${JSON.stringify(v)}`);
  return [...(list as string[])];
}
