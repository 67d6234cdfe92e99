/**
 * A web request as block input (SPEC §7 "A request is a block run"): the query and body fields
 * become pipe data and input data; the request itself becomes request state.
 *
 * Choices:
 * - `name[]=a&name[]=b` gives `name: [a, b]`; a plain name given twice keeps the last value.
 * - Bodies: `application/json` (must be an object), `application/x-www-form-urlencoded`,
 *   `multipart/form-data` (text fields only). Body fields override query fields. Any other
 *   content type with a body is refused (415). A key `__proto__` is ignored.
 * - Request state headers are lower-case; `authorization` and `cookie` are left out (the
 *   credentials are the server's business; cookies come parsed under `cookies`).
 */
import { deepFreeze } from '../engine/in-memory-block.js';

export class RequestInputError extends Error {
  constructor(
    readonly status: 400 | 415,
    message: string,
  ) {
    super(message);
  }
}

export type Fields = Record<string, unknown>;

function put(fields: Fields, key: string, value: unknown): void {
  if (key === '__proto__') return;
  if (key.endsWith('[]')) {
    const name = key.slice(0, -2);
    if (name === '' || name === '__proto__') return;
    const list = Object.hasOwn(fields, name) && Array.isArray(fields[name]) ? (fields[name] as unknown[]) : [];
    list.push(value);
    fields[name] = list;
  } else {
    fields[key] = value;
  }
}

export function fieldsFromParams(params: URLSearchParams, into: Fields = {}): Fields {
  for (const [k, v] of params) put(into, k, v);
  return into;
}

const NO_FIELDS: Readonly<Fields> = Object.freeze({});

/**
 * The query fields of a request target (`/path?a=1`), frozen (values are strings and lists of
 * strings). A target without `?` has none, and no URL is parsed for it.
 */
export function queryFields(target: string, url: () => URL): Readonly<Fields> {
  if (!target.includes('?')) return NO_FIELDS;
  const fields = fieldsFromParams(url().searchParams);
  for (const v of Object.values(fields)) if (Array.isArray(v)) Object.freeze(v);
  return Object.freeze(fields);
}

/** A request's fields as block input: pipe data (the engine changes it) and input data (frozen). */
export interface RequestFields {
  readonly pipeData: Fields;
  readonly inputData: Readonly<Fields>;
}

/**
 * Query and body fields of `request`, from `query` (`queryFields`) and the body, which is read
 * only when there is one (limits are enforced before). Input data is frozen, so the engine takes
 * it without a copy; pipe data is the engine's to change.
 */
export async function requestFields(request: Request, query: Readonly<Fields>): Promise<RequestFields> {
  if (request.method === 'GET' || request.method === 'HEAD' || request.body === null) return { pipeData: copyFields(query), inputData: query };
  const fields = await bodyFields(request, copyFields(query));
  return { pipeData: fields, inputData: deepFreeze(structuredClone(fields)) };
}

/** A mutable copy of frozen query fields (strings and lists of strings). */
function copyFields(query: Readonly<Fields>): Fields {
  const out: Fields = {};
  for (const k of Object.keys(query)) {
    const v = query[k];
    out[k] = Array.isArray(v) ? [...(v as unknown[])] : v;
  }
  return out;
}

async function bodyFields(request: Request, fields: Fields): Promise<Fields> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json') {
    const text = await request.text();
    if (text.trim() === '') return fields;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new RequestInputError(400, 'the body is not valid JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RequestInputError(400, 'a JSON body must be an object of fields');
    for (const [k, v] of Object.entries(body)) put(fields, k, v);
    return fields;
  }
  if (type === 'application/x-www-form-urlencoded') return fieldsFromParams(new URLSearchParams(await request.text()), fields);
  if (type === 'multipart/form-data') {
    let form: FormData;
    try {
      form = await request.formData();
    } catch {
      throw new RequestInputError(400, 'the multipart body cannot be read');
    }
    for (const [k, v] of form) if (typeof v === 'string') put(fields, k, v);
    return fields;
  }
  const text = await request.text();
  if (text === '') return fields;
  throw new RequestInputError(415, `bodies of type ${JSON.stringify(type || 'none')} are not accepted: send JSON, a form, or multipart form data`);
}

export function parseCookies(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (name === '' || name === '__proto__' || Object.hasOwn(out, name)) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      out[name] = value;
    }
  }
  return out;
}

const HIDDEN_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/**
 * Request headers for request state, from Node's parsed header object when the request came
 * over a socket (cheaper than materialising a `Headers`), else from the `Headers`.
 */
export function requestHeaders(headers: Headers | Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers instanceof Headers) {
    headers.forEach((value, name) => {
      if (!HIDDEN_HEADERS.has(name)) out[name] = value;
    });
    return out;
  }
  // for-in, not Object.entries: no pair arrays on every request.
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || !Object.hasOwn(headers, name) || HIDDEN_HEADERS.has(name)) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
