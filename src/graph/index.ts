/** Graphs (SPEC §6): options, the pure chart spec, PNG rendering and atomic writes. */
export { parseGraphOptions, GRAPH_DEFAULTS } from './options.js';
export type { GraphOptions, GraphMethod, GraphCf, GraphOptionsSource } from './options.js';
export { parseDurationSeconds, parseGraphPeriod, formatDuration, GRAPH_PERIOD_NAMES } from './period.js';
export { buildChartSpec, stepPoints, DEFAULT_FONT_FAMILY, GRAPH_COLORS } from './chart-spec.js';
export type { ChartSpec, ChartPoint, LegendRow } from './chart-spec.js';
export type { ChartLayout } from './layout.js';
export type { FetchedSeries, GraphDataSource, SeriesStats } from './series.js';
export { LINE_COLORS, AREA_COLORS } from './palette.js';
export { renderChartSpec } from './render.js';
export type { RenderedChart } from './render.js';
export { renderGraph, renderGraphFile, fetchWindow } from './render-graph.js';
export { writeGraph } from './write-graph.js';
export { graphFontFamily } from './fonts.js';
