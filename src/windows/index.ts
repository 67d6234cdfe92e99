/** Bounded windows of recent samples that alerts and derived series read (docs/alerts.md). */
export { SampleWindow } from './sample-window.js';
export { WindowStore } from './window-store.js';
export { refillFromRrd } from './refill.js';
export { RrdSourceSeries } from './rrd-source.js';
export { sampleNumber } from './sample-number.js';
