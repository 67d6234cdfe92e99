/**
 * One graph from a round-robin file: fetch the window at the resolution of one pixel (the store
 * picks the archive that best fits), build the chart spec, draw it. `nowSeconds` is the right edge
 * (epoch seconds; pass `clock.now() / 1000`).
 */
import { InputError } from '../core/errors.js';
import { writeGraph } from './write-graph.js';
import { buildChartSpec } from './chart-spec.js';
import { graphFontFamily } from './fonts.js';
import type { GraphOptions } from './options.js';
import { renderChartSpec } from './render.js';
import type { FetchedSeries, GraphDataSource } from './series.js';

export async function renderGraph(
  source: GraphDataSource | FetchedSeries,
  options: GraphOptions,
  nowSeconds: number,
): Promise<Buffer> {
  checkNow(nowSeconds);
  const data = fetchWindow(source, options, nowSeconds);
  const spec = buildChartSpec(options, data, nowSeconds, graphFontFamily());
  return (await renderChartSpec(spec)).png;
}

/** The fetch a graph makes: `[now - period, now]` at `period / width` seconds per row. */
export function fetchWindow(
  source: GraphDataSource | FetchedSeries,
  options: GraphOptions,
  nowSeconds: number,
): FetchedSeries {
  const end = Math.floor(nowSeconds);
  const data =
    'fetch' in source
      ? source.fetch({
          cf: options.cf,
          start: end - options.period,
          end,
          resolution: Math.max(1, Math.floor(options.period / options.width)),
        })
      : source;
  if (options.fields) {
    const missing = options.fields.filter((f) => !data.dsNames.includes(f));
    if (missing.length > 0) {
      throw new InputError(
        'PB_ERR_VALIDATION',
        `graph ${options.path}: field(s) ${missing.join(', ')} not in the file (it has: ${data.dsNames.join(', ')})`,
      );
    }
  }
  return data;
}

/** Render and write atomically to `options.path`: what a re-render tick does. */
export async function renderGraphFile(
  source: GraphDataSource | FetchedSeries,
  options: GraphOptions,
  nowSeconds: number,
): Promise<void> {
  await writeGraph(options.path, await renderGraph(source, options, nowSeconds));
}

// Epoch seconds are ~1.7e9 today; milliseconds (Clock.now()) are ~1.7e12. Catch the mix-up early.
function checkNow(nowSeconds: number): void {
  if (!Number.isFinite(nowSeconds) || nowSeconds <= 0 || nowSeconds > 1e11) {
    throw new InputError(
      'PB_ERR_INVALID_ARGUMENT',
      `renderGraph: nowSeconds must be epoch seconds (pass clock.now() / 1000); got ${nowSeconds}`,
    );
  }
}
