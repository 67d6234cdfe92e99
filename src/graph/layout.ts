/**
 * The fixed frame around the plot: a header row, the y axis on the left, the x axis below, then
 * the legend table. Fixed sizes (not Chart.js's measured ones) keep the plot area exactly
 * `width × height`, like rrdtool's --width/--height, whatever the labels say.
 */
import type { GraphOptions } from './options.js';

/** Fixed layout so the plot area is exactly `width × height`, like rrdtool's --width/--height. */
export interface ChartLayout {
  readonly canvasWidth: number;
  readonly canvasHeight: number;
  readonly plot: { readonly left: number; readonly top: number; readonly width: number; readonly height: number };
  readonly titleHeight: number;
  readonly legendTop: number;
  readonly rowHeight: number;
}

export const PAD = 10;
export const TITLE_HEIGHT = 30;
export const X_AXIS_HEIGHT = 22;
export const Y_TICKS_WIDTH = 48;
export const Y_LABEL_WIDTH = 16;
export const RIGHT_PAD = 26;
export const ROW_HEIGHT = 16;

export function computeLayout(opts: GraphOptions, legendRows: number): ChartLayout {
  const yAxisWidth = Y_TICKS_WIDTH + (opts.verticalLabel !== undefined ? Y_LABEL_WIDTH : 0);
  const plotLeft = PAD + yAxisWidth;
  const plotTop = TITLE_HEIGHT;
  const legendTop = plotTop + opts.height + X_AXIS_HEIGHT + 6;
  const legendHeight = legendRows > 0 ? (legendRows + 1) * ROW_HEIGHT : 0;
  return {
    canvasWidth: plotLeft + opts.width + RIGHT_PAD,
    canvasHeight: legendTop + legendHeight + PAD,
    plot: { left: plotLeft, top: plotTop, width: opts.width, height: opts.height },
    titleHeight: TITLE_HEIGHT,
    legendTop,
    rowHeight: ROW_HEIGHT,
  };
}
