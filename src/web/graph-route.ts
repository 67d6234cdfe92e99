/**
 * `GET /graph/<name>.png` (SPEC §7): a graph declared by a `timeseries collect` of the block,
 * rendered on demand from its round-robin file. `<name>` is the graph's PNG file name without
 * `.png` (`path: data/cpu.png` → `/graph/cpu.png`; with `key:`, one per entry seen so far:
 * `data/network-%(key)s.png` → `/graph/network-eth0.png`); the first declaration wins on a clash.
 *
 * Query: `period` = a graph period (graph/period.ts: `1h`, `1d`, `1w`, `1m` (a month), `1y`, or
 * any duration such as `6h`, `90d`, `3mo`; 1 minute to 10 years), default the graph's own;
 * `width` 50–2000 and `height` 30–1000 pixels, default the graph's own. Anything else → 400.
 * A rendering is reused while its file has no new sample and it is younger than the graph's
 * `interval` (default: the collect interval); concurrent requests for the same rendering
 * share one. Responses carry an ETag (304 on a match), `Last-Modified` = the time of the
 * file's last sample, and `Cache-Control: no-cache`.
 *
 * `GET /graph/` lists the graphs as JSON, and `GET /graph/<name>.json` is the `rrd info` of the
 * file behind one (what `procblock rrd info --format json` prints, `filename` without folders):
 * pages build graph lists and "view internals" tables from them.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { Clock } from '../core/clock.js';
import type { GraphOptions } from '../graph/options.js';
import { GRAPH_PERIOD_NAMES, parseGraphPeriod } from '../graph/period.js';
import type { GraphEntry, RrdInfo, WebRuntime } from '../runtime/web-host.js';

export const GRAPH_PERIOD = { min: 60, max: 3650 * 86_400 } as const;
export const GRAPH_WIDTH = { min: 50, max: 2000 } as const;
export const GRAPH_HEIGHT = { min: 30, max: 1000 } as const;
const CACHE_ENTRIES = 64;

export type GraphRequest = { readonly ok: true; readonly options: GraphOptions } | { readonly ok: false; readonly problem: string };

/** The options of one rendering: the declared ones with the query's period/width/height. */
export function graphRequest(declared: GraphOptions, query: URLSearchParams): GraphRequest {
  let period = declared.period;
  const p = query.get('period');
  if (p !== null) {
    const seconds = p.length <= 32 ? parseGraphPeriod(p) : undefined;
    if (seconds === undefined || seconds < GRAPH_PERIOD.min || seconds > GRAPH_PERIOD.max) {
      return { ok: false, problem: `period must be ${Object.keys(GRAPH_PERIOD_NAMES).join(', ')} (1m is a month) or a duration such as 6h, 90d or 3mo, from 1 minute to 10 years` };
    }
    period = Math.round(seconds);
  }
  const size = (key: 'width' | 'height', dflt: number, limits: { min: number; max: number }): number | string => {
    const v = query.get(key);
    if (v === null) return Math.min(Math.max(dflt, limits.min), limits.max);
    const n = /^\d{1,5}$/.test(v) ? Number(v) : NaN;
    if (!(n >= limits.min && n <= limits.max)) return `${key} must be a whole number from ${limits.min} to ${limits.max}`;
    return n;
  };
  const width = size('width', declared.width, GRAPH_WIDTH);
  if (typeof width === 'string') return { ok: false, problem: width };
  const height = size('height', declared.height, GRAPH_HEIGHT);
  if (typeof height === 'string') return { ok: false, problem: height };
  return { ok: true, options: Object.freeze({ ...declared, period, width, height }) };
}

interface Rendering {
  readonly png: Buffer;
  readonly etag: string;
  readonly lastUpdate: number | undefined;
  readonly renderedAt: number;
}

/** One graph in `GET /graph/`. */
export interface GraphListing {
  readonly name: string;
  readonly title: string;
  readonly thread: string;
  /** With `key:`, the result entry (device, interface, mount) the graph is of. */
  readonly entry?: string;
  /** The round-robin file's name (no folders). */
  readonly file: string;
  /** The declared period, seconds. */
  readonly period: number;
  /** Epoch seconds of the file's last sample; null before the first. */
  readonly last_update: number | null;
}

export type GraphResult =
  | { readonly kind: 'png'; readonly png: Buffer; readonly etag: string; readonly lastUpdate: number | undefined } | { readonly kind: 'missing' } | { readonly kind: 'bad'; readonly problem: string };

export class GraphRenderer {
  private readonly cache = new Map<string, Rendering>();
  private readonly pending = new Map<string, Promise<Rendering | undefined>>();

  constructor(
    private readonly runtime: Pick<WebRuntime, 'graphs' | 'renderGraph' | 'graphInfo'>,
    private readonly clock: Clock,
  ) {}

  names(): string[] {
    return [...new Set(this.runtime.graphs().map((g) => g.name))];
  }

  /** Every graph once (the first declaration of a name), for `GET /graph/`. */
  catalog(): GraphListing[] {
    const seen = new Set<string>();
    const out: GraphListing[] = [];
    for (const g of this.runtime.graphs()) {
      if (seen.has(g.name)) continue;
      seen.add(g.name);
      out.push({
        name: g.name,
        title: g.options.title ?? g.name,
        thread: g.thread,
        ...(g.entry === undefined ? {} : { entry: g.entry }),
        file: basename(g.file),
        period: g.options.period,
        last_update: g.lastUpdate ?? null,
      });
    }
    return out;
  }

  /** `rrd info` of the file behind graph `name` (`filename` without folders); undefined when there is none yet. */
  async info(name: string): Promise<RrdInfo | undefined> {
    const entry = this.runtime.graphs().find((g) => g.name === name);
    if (!entry) return undefined;
    const info = await this.runtime.graphInfo(entry.thread, name);
    return info && { ...info, filename: basename(entry.file) };
  }

  async render(name: string, query: URLSearchParams): Promise<GraphResult> {
    const entry = this.runtime.graphs().find((g) => g.name === name);
    if (!entry) return { kind: 'missing' };
    const req = graphRequest(entry.options, query);
    if (!req.ok) return { kind: 'bad', problem: req.problem };
    const o = req.options;
    const key = `${entry.thread}\0${name}\0${o.period}\0${o.width}\0${o.height}`;
    const cached = this.cache.get(key);
    const refreshMs = entry.refreshSeconds * 1000;
    if (cached && cached.lastUpdate === entry.lastUpdate && this.clock.now() - cached.renderedAt < refreshMs) {
      return { kind: 'png', png: cached.png, etag: cached.etag, lastUpdate: cached.lastUpdate };
    }
    let p = this.pending.get(key);
    if (!p) {
      p = this.draw(entry, o).finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    const r = await p;
    if (!r) return { kind: 'missing' };
    this.cache.delete(key);
    this.cache.set(key, r);
    if (this.cache.size > CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    return { kind: 'png', png: r.png, etag: r.etag, lastUpdate: r.lastUpdate };
  }

  private async draw(entry: GraphEntry, options: GraphOptions): Promise<Rendering | undefined> {
    const lastUpdate = entry.lastUpdate;
    const renderedAt = this.clock.now();
    const png = await this.runtime.renderGraph(entry.thread, entry.name, options);
    if (!png) return undefined;
    const etag = `"${createHash('sha256').update(png).digest('base64url').slice(0, 22)}"`;
    return { png, etag, lastUpdate, renderedAt };
  }
}
