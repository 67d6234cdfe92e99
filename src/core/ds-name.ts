/**
 * rrdtool's data-source name rule (rrd_create.c): 1–19 characters of [a-zA-Z0-9_]. One rule for
 * the store (`timeseries/rrd/definition.ts`) and for block validation (`config/semantic-check.ts`),
 * which reports every bad name of a block at once.
 */
export const DS_NAME = /^[a-zA-Z0-9_]{1,19}$/;

export const DS_NAME_RULE = 'a data-source name is 1–19 characters of a-z, A-Z, 0-9 and _ (rrdtool\'s rule)';

/** A name that follows the rule, close to `name` (for "try 'cpu_user'" hints). */
export function suggestDsName(name: string): string {
  const s = name.replace(/[^a-zA-Z0-9_]/g, '_').slice(0, 19);
  return s === '' ? 'value' : s;
}
