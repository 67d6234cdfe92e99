/**
 * The HTML around pages (SPEC §7): every page of a site shares a header with the site title and
 * one tab per page, the stylesheet and the client script. A template whose result is a whole
 * document (it starts with `<!doctype` or `<html`) is served as it is instead.
 * Everything inserted here from configuration or results is HTML-escaped.
 */
import { escapeHtml } from '../engine/template-fill.js';

export interface LayoutPage {
  readonly name: string;
  readonly title: string;
}

export interface LayoutInput {
  readonly siteTitle: string;
  readonly pages: readonly LayoutPage[];
  /** Name of the page shown (its tab is marked current), or undefined for the index. */
  readonly current: string | undefined;
  readonly title: string;
  /** The page's HTML (already escaped where it needs to be). */
  readonly body: string;
  /** `/events` topics for the client script (`data-pb-events`). */
  readonly events: string;
  readonly stylesheets: readonly string[];
}

export function isWholeDocument(html: string): boolean {
  return /^\s*(?:<!doctype\s|<html[\s>])/i.test(html);
}

export function renderLayout(input: LayoutInput): string {
  const tabs = input.pages
    .map((p) => `<a href="/${escapeHtml(p.name)}"${p.name === input.current ? ' aria-current="page"' : ''}>${escapeHtml(p.title)}</a>`)
    .join('');
  const sheets = ['/_dropstar/dropstar.css', ...input.stylesheets].map((s) => `<link rel="stylesheet" href="${escapeHtml(s)}">`).join('\n');
  const title = input.title === input.siteTitle ? input.siteTitle : `${input.title} · ${input.siteTitle}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="/_dropstar/favicon.svg" type="image/svg+xml">
${sheets}
<script src="/_dropstar/client.js" defer></script>
</head>
<body data-pb-events="${escapeHtml(input.events)}">
<header class="pb-header"><h1>${escapeHtml(input.siteTitle)}</h1>${tabs ? `<nav class="pb-tabs">${tabs}</nav>` : ''}</header>
<main class="pb-main" id="pb-page" data-pb-page="${escapeHtml(input.current ?? '')}">
${input.body}
</main>
</body>
</html>
`;
}

/** A page without a template: its result as a definition list (every value escaped). */
export function renderResult(result: unknown): string {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) {
    return `<pre>${escapeHtml(JSON.stringify(result, null, 2) ?? '')}</pre>`;
  }
  const rows = Object.entries(result as Record<string, unknown>)
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd id="${escapeHtml(k)}">${escapeHtml(typeof v === 'string' ? v : (JSON.stringify(v, null, 2) ?? ''))}</dd>`)
    .join('\n');
  return `<dl class="pb-result">\n${rows}\n</dl>`;
}

/** The generated index when the site has no pages: its RPC endpoints and graphs. */
export function renderIndex(rpc: readonly string[], graphs: readonly string[]): string {
  const rpcList = rpc.length ? `<ul>${rpc.map((n) => `<li><a href="/rpc/${escapeHtml(encodeURIComponent(n))}">/rpc/${escapeHtml(n)}</a></li>`).join('')}</ul>` : '<p class="pb-muted">none</p>';
  const graphList = graphs.map((g) => `<figure class="pb-panel"><img class="pb-graph" src="/graph/${escapeHtml(encodeURIComponent(g))}.png" alt="${escapeHtml(g)}"><figcaption>${escapeHtml(g)}</figcaption></figure>`).join('\n');
  return `<section class="pb-panel"><h2>RPC</h2>${rpcList}</section>\n<div class="pb-grid">${graphList}</div>`;
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad request',
  401: 'Authentication required',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  413: 'Request body too large',
  414: 'URL too long',
  415: 'Unsupported body type',
  421: 'Misdirected request',
  500: 'Internal error',
  503: 'Service unavailable',
  504: 'Timed out',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? 'Error';
}

/**
 * An error page: the status, a short reason and the request id to find the details in the log.
 * Never a stack or a file path (SPEC §7); `detail` is fixed text chosen by the server.
 */
export function renderErrorPage(status: number, requestId: string, detail?: string): string {
  const reason = reasonPhrase(status);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${status} ${escapeHtml(reason)}</title>
<link rel="icon" href="/_dropstar/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/_dropstar/dropstar.css"></head>
<body><main class="pb-main"><h1>${status} ${escapeHtml(reason)}</h1>
${detail ? `<p>${escapeHtml(detail)}</p>\n` : ''}<p class="pb-muted">Request ${escapeHtml(requestId)}</p></main></body></html>
`;
}
