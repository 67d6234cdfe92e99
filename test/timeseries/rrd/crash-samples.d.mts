import type { RrdSample } from '../../../src/timeseries/rrd/index.js';
export function crashSample(t0: number, k: number): RrdSample;
