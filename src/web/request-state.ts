/**
 * The request state a page or RPC script receives (SPEC §7), for script authors:
 *
 * ```ts
 * import type { ProcessBlock, WebRequestState } from 'procblock';
 * export const processBlock: ProcessBlock = async (pipeData, _block, requestState) => {
 *   const req = requestState as WebRequestState;
 *   req.response.cookies.seen = { value: '1', max_age: 86400 };
 *   return { hello: req.user ?? 'guest' };
 * };
 * ```
 */
export interface CookieSpec {
  readonly value: string | number;
  /** Seconds. */
  readonly max_age?: number;
  /** Epoch seconds. */
  readonly expires?: number;
  /** Default `/`. */
  readonly path?: string;
  readonly domain?: string;
  /** Default `Lax`. */
  readonly same_site?: 'Strict' | 'Lax' | 'None';
  /** Default true. */
  readonly http_only?: boolean;
  readonly secure?: boolean;
}

/** What a script may set; see src/web/response-fields.ts for the rules. */
export interface WebResponseFields {
  /** 200-599; default 200. */
  status?: number;
  /** Lower-case names; security headers and `set-cookie` cannot be set here. */
  headers: Record<string, string | number>;
  /** A string is a session cookie; `null` deletes the cookie. */
  cookies: Record<string, string | CookieSpec | null>;
}

export interface WebRequestState {
  readonly method: string;
  readonly path: string;
  /** Query fields (`name[]` keys as lists). */
  readonly query: Readonly<Record<string, unknown>>;
  /** Lower-case names; `authorization` and `cookie` are not included. */
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: Readonly<Record<string, string>>;
  /** The Host header. */
  readonly host: string;
  /** The client's address. */
  readonly remote: string;
  /** The page or RPC name. */
  readonly page: string;
  /** The authenticated user name (`auth.users`). */
  readonly user?: string;
  readonly response: WebResponseFields;
}
