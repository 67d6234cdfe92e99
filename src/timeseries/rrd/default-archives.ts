import type { RraDef } from './types.js';

/** SPEC §6: the archives a `timeseries collect` file gets unless `archives:` says otherwise. */
export function defaultArchives(): RraDef[] {
  return [
    { cf: 'AVERAGE', xff: 0.5, steps: 1, rows: 86400 },
    { cf: 'AVERAGE', xff: 0.5, steps: 10, rows: 1008 },
    { cf: 'MAX', xff: 0.5, steps: 10, rows: 1008 },
    { cf: 'MIN', xff: 0.5, steps: 10, rows: 1008 },
    { cf: 'AVERAGE', xff: 0.5, steps: 60, rows: 8544 },
  ];
}
