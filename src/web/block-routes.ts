/**
 * Pages and RPC entries as block runs (SPEC §7): the request's fields become pipe data and
 * input data, the request becomes request state, the mapping is processed by the engine, and
 * the result becomes HTML (pages) or JSON (RPC).
 *
 * Failures stay per request: a script that throws gives 500, one that runs past the request's
 * timeout gives 504 (its ctx.signal is aborted; a script that ignores it is terminated by the
 * script runner at the same timeout), a lock wait that times out 503. The client sees the
 * status, a reason and the request id; the log gets the error with its stack and location.
 */
import { formatError, isProcblockError } from '../core/errors.js';
import { LazyAbortController } from '../core/lazy-abort.js';
import type { ProcessResult } from '../engine/types.js';
import type { PageSpec, RpcSpec } from './config.js';
import { isWholeDocument, renderLayout, renderResult } from './layout.js';
import { parseCookies, requestFields, requestHeaders, RequestInputError, type RequestFields } from './request-input.js';
import type { Deadline } from './deadlines.js';
import { applyResponseFields, newResponseFields } from './response-fields.js';
import { errorResponse, respond, type SiteContext } from './site-context.js';

export interface RequestInfo {
  readonly id: string;
  readonly remote: string;
  readonly user: string | undefined;
  /** The request URL, parsed on first use. */
  readonly url: URL;
  /** The URL's path (as `url.pathname`, without parsing the URL). */
  readonly pathname: string;
  /** The query fields, frozen (request-input.ts `queryFields`). */
  readonly query: Readonly<Record<string, unknown>>;
  /** The Host (the URL's authority; @hono/node-server builds the URL from the Host header). */
  readonly host: string;
  /** Node's parsed request headers, when the request came over a socket. */
  readonly nodeHeaders: Readonly<Record<string, string | string[] | undefined>> | undefined;
  /** Call `fn` if the client goes away before the response is written; returns the undo. Over a socket only. */
  readonly onClientGone: ((fn: () => void) => () => void) | undefined;
}

type Outcome = { readonly ok: true; readonly processed: ProcessResult; readonly response: Record<string, unknown> } | { readonly ok: false; readonly status: number; readonly detail: string };

class RequestTimeout extends Error {}

/** Run `spec` for `request`; never throws. */
async function runEntry(ctx: SiteContext, kind: 'page' | 'rpc', spec: PageSpec | RpcSpec, request: Request, info: RequestInfo): Promise<Outcome> {
  const query = info.query;
  let fields: RequestFields;
  try {
    // Awaited even without a body (a bodiless request's fields come back at once): the run then
    // starts outside the HTTP parser's callback. Started inside it, the runs of a loaded server
    // were measured keeping ~7x more young objects alive through garbage collections (2 MB per
    // scavenge instead of ~0.3 MB; bench/dropstar.bench.mjs, node --trace-gc).
    fields = await requestFields(request, query);
  } catch (e) {
    if (e instanceof RequestInputError) return { ok: false, status: e.status, detail: e.message };
    throw e;
  }
  const response = newResponseFields();
  if (ctx.runtime.isPlainData(spec.block)) {
    // Plain data: the run copies the block's data. It reads no request state, waits for nothing
    // and cannot hang, so the request needs no request state, timeout or client-gone watch.
    try {
      const processed = await ctx.runtime.process(spec.block, {
        pipeData: fields.pipeData,
        inputData: fields.inputData,
        response,
        htmlTemplates: kind === 'page',
        scriptTimeoutMs: spec.timeoutMs,
      });
      return { ok: true, processed, response };
    } catch (e) {
      return failure(ctx, kind, spec, info, e);
    }
  }
  // Frozen as it is built (every value is a string or a frozen record of strings), so the
  // engine takes it as it is.
  const requestState: Record<string, unknown> = {
    method: request.method,
    path: info.pathname,
    query,
    headers: Object.freeze(requestHeaders(info.nodeHeaders ?? request.headers)),
    cookies: Object.freeze(parseCookies(info.nodeHeaders ? ((info.nodeHeaders.cookie as string | undefined) ?? null) : request.headers.get('cookie'))),
    host: info.host,
    remote: info.remote,
    page: spec.name,
  };
  if (info.user !== undefined) requestState.user = info.user;
  Object.freeze(requestState);
  const controller = new LazyAbortController();
  const onClientGone = (): void => controller.abort(new RequestTimeout('the client went away'));
  // A client gone: its connection's 'close' (one listener per connection, site.ts), else the
  // Request's AbortSignal.
  let unwatch: () => void;
  if (info.onClientGone) unwatch = info.onClientGone(onClientGone);
  else {
    request.signal.addEventListener('abort', onClientGone, { once: true });
    unwatch = () => request.signal.removeEventListener('abort', onClientGone);
  }
  const run = ctx.runtime.process(spec.block, {
    pipeData: fields.pipeData,
    inputData: fields.inputData,
    requestState,
    response,
    htmlTemplates: kind === 'page',
    scriptTimeoutMs: spec.timeoutMs,
    abort: controller,
  });
  let deadline: Deadline | undefined;
  // The run, or the request's timeout if that comes first (one promise, no timer of its own).
  const raced = new Promise<ProcessResult>((resolve, reject) => {
    deadline = ctx.deadlines.add(spec.timeoutMs, () => {
      const e = new RequestTimeout(`${kind} ${spec.name} ran past its ${spec.timeoutMs / 1000} s timeout`);
      controller.abort(e);
      reject(e);
    });
    run.then(resolve, reject);
  });
  try {
    const processed = await raced;
    return { ok: true, processed, response };
  } catch (e) {
    return failure(ctx, kind, spec, info, e);
  } finally {
    deadline?.cancel();
    unwatch();
  }
}

/** A failed run as the client sees it (status, reason), logged with its details. */
function failure(ctx: SiteContext, kind: 'page' | 'rpc', spec: PageSpec | RpcSpec, info: RequestInfo, e: unknown): Outcome {
  const status = statusOf(e);
  const what = `${kind} ${spec.name} (request ${info.id})`;
  if (status === 504) ctx.logger.warn(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  else ctx.logger.error(`${what} failed: ${formatError(e, { stack: true })}`);
  return { ok: false, status, detail: status === 504 ? 'The request took longer than its timeout.' : status === 503 ? 'The server is busy; try again.' : 'The request failed; the server log has the details.' };
}

function statusOf(e: unknown): number {
  if (e instanceof RequestTimeout) return 504;
  if (isProcblockError(e)) {
    if (e.code === 'PB_ERR_SCRIPT_TIMEOUT' || (e.code === 'PB_ERR_ABORTED' && e.cause instanceof RequestTimeout)) return 504;
    if (e.code === 'PB_ERR_LOCK_TIMEOUT' || e.code === 'PB_ERR_CLOSED') return 503;
  }
  return 500;
}

/** The HTML a page result stands for: its `template` value, or the result itself when it is text. */
function pageHtml(result: unknown): string | undefined {
  if (typeof result === 'string') return result;
  if (typeof result === 'object' && result !== null && typeof (result as { template?: unknown }).template === 'string') {
    return (result as { template: string }).template;
  }
  return undefined;
}

export async function pageResponse(ctx: SiteContext, page: PageSpec, request: Request, info: RequestInfo): Promise<Response> {
  const out = await runEntry(ctx, 'page', page, request, info);
  if (!out.ok) return errorResponse(out.status, info.id, 'html', out.detail);
  const html = pageHtml(out.processed.result) ?? renderResult(out.processed.result);
  const doc = isWholeDocument(html)
    ? html
    : renderLayout({
        siteTitle: ctx.config.title,
        pages: ctx.config.pages,
        current: page.name,
        title: page.title,
        body: html,
        events: page.events,
        stylesheets: ctx.config.stylesheets,
      });
  const applied = applyResponseFields(out.response, ctx.logger);
  const headers = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...applied.headers };
  return respond(info.id, applied.status ?? 200, request.method === 'HEAD' ? null : doc, headers, applied.cookies);
}

export async function rpcResponse(ctx: SiteContext, rpc: RpcSpec, request: Request, info: RequestInfo): Promise<Response> {
  const out = await runEntry(ctx, 'rpc', rpc, request, info);
  if (!out.ok) return errorResponse(out.status, info.id, 'json', out.detail);
  const body = toJson(withoutInternalKeys(out.processed.result) ?? null);
  const applied = applyResponseFields(out.response, ctx.logger);
  const headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...applied.headers };
  return respond(info.id, applied.status ?? 200, request.method === 'HEAD' ? null : body, headers, applied.cookies);
}

/** JSON text; bigints (which script results may hold) as decimal strings. */
function toJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (e) {
    // Only then the slower replacer: it costs every response a function call per value.
    if (!(e instanceof TypeError)) throw e;
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  }
}

/**
 * An RPC returns JSON of its result without `__` keys (SPEC §7), at every depth. The engine
 * already drops them from every level, so usually there are none left (only inside values, such
 * as a `run` result's `__duration`): the result is copied only when it has one.
 */
export function withoutInternalKeys(value: unknown): unknown {
  return hasInternalKeys(value) ? copyWithoutInternalKeys(value) : value;
}

function hasInternalKeys(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(hasInternalKeys);
  for (const k of Object.keys(value)) if (k.startsWith('__') || hasInternalKeys((value as Record<string, unknown>)[k])) return true;
  return false;
}

function copyWithoutInternalKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyWithoutInternalKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!k.startsWith('__')) out[k] = copyWithoutInternalKeys(v);
  return out;
}
