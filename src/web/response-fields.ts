/**
 * `requestState.response` (SPEC §7): how a page or RPC script sets the HTTP status, headers and
 * cookies. The script changes the object it receives:
 *
 *   requestState.response.status = 303;
 *   requestState.response.headers['location'] = '/wall';
 *   requestState.response.cookies['theme'] = 'dark';                       // session cookie
 *   requestState.response.cookies['seen'] = { value: '1', max_age: 86400 }; // with attributes
 *   requestState.response.cookies['old'] = null;                          // delete
 *
 * Rules (a value that breaks one is dropped with a warning naming it; the request goes on):
 * - `status`: a whole number 200–599.
 * - `headers`: names of letters, digits and `-`; string or number values without CR/LF. The
 *   security headers, `set-cookie` (use `cookies`) and framing headers (`content-length`,
 *   `transfer-encoding`, `connection`) cannot be set.
 * - `cookies`: names of RFC 6265 token characters; values are percent-encoded. Attributes:
 *   `max_age` (s), `expires` (epoch s), `path` (default `/`), `domain`, `same_site`
 *   (`Strict`|`Lax`|`None`, default `Lax`), `http_only` (default true), `secure`.
 */
import type { Logger } from '../core/logger.js';

export interface AppliedResponse {
  readonly status: number | undefined;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** `Set-Cookie` values. */
  readonly cookies: readonly string[];
}

const HEADER_NAME = /^[A-Za-z0-9-]+$/;
const COOKIE_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const PROTECTED = new Set([
  'set-cookie', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade',
  'content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy',
  'cross-origin-opener-policy', 'cross-origin-resource-policy', 'strict-transport-security',
]);

export function newResponseFields(): Record<string, unknown> {
  return { headers: {}, cookies: {} };
}

export function applyResponseFields(fields: Readonly<Record<string, unknown>>, logger: Logger): AppliedResponse {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  const warn = (what: string, value: unknown): void => logger.warn(`requestState.response: ${what} ignored`, { value: String(value) });
  let status: number | undefined;
  if (fields.status !== undefined && fields.status !== null) {
    const s = Number(fields.status);
    if (Number.isInteger(s) && s >= 200 && s <= 599) status = s;
    else warn(`status ${JSON.stringify(fields.status)} (must be 200-599)`, fields.status);
  }
  const hs = fields.headers;
  if (isRecord(hs)) {
    for (const [name, value] of Object.entries(hs)) {
      const lower = name.toLowerCase();
      if (!HEADER_NAME.test(name) || PROTECTED.has(lower)) {
        warn(`header ${JSON.stringify(name)}`, name);
        continue;
      }
      if ((typeof value !== 'string' && typeof value !== 'number') || /[\r\n\0]/.test(String(value))) {
        warn(`value of header ${name}`, value);
        continue;
      }
      headers[lower] = String(value);
    }
  }
  const cs = fields.cookies;
  if (isRecord(cs)) {
    for (const [name, spec] of Object.entries(cs)) {
      const cookie = COOKIE_NAME.test(name) ? serializeCookie(name, spec) : undefined;
      if (cookie === undefined) warn(`cookie ${JSON.stringify(name)}`, name);
      else cookies.push(cookie);
    }
  }
  return { status, headers, cookies };
}

function serializeCookie(name: string, spec: unknown): string | undefined {
  if (spec === null) return `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`;
  const o: Record<string, unknown> = typeof spec === 'string' || typeof spec === 'number' ? { value: spec } : isRecord(spec) ? spec : {};
  if (typeof o.value !== 'string' && typeof o.value !== 'number') return undefined;
  const parts = [`${name}=${encodeURIComponent(String(o.value))}`];
  const p = o.path === undefined ? '/' : String(o.path);
  if (/[;\r\n\0]/.test(p)) return undefined;
  parts.push(`Path=${p}`);
  if (o.domain !== undefined) {
    if (!/^[A-Za-z0-9.-]+$/.test(String(o.domain))) return undefined;
    parts.push(`Domain=${String(o.domain)}`);
  }
  if (o.max_age !== undefined) {
    const n = Number(o.max_age);
    if (!Number.isInteger(n)) return undefined;
    parts.push(`Max-Age=${n}`);
  }
  if (o.expires !== undefined) {
    const t = Number(o.expires);
    if (!Number.isFinite(t)) return undefined;
    parts.push(`Expires=${new Date(t * 1000).toUTCString()}`);
  }
  if (o.http_only !== false) parts.push('HttpOnly');
  if (o.secure === true) parts.push('Secure');
  const sameSite = o.same_site === undefined ? 'Lax' : String(o.same_site);
  if (!['Strict', 'Lax', 'None'].includes(sameSite)) return undefined;
  parts.push(`SameSite=${sameSite}`);
  return parts.join('; ');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
