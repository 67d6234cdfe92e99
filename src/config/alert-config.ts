/**
 * The `alert:` value of a RunThread item (SPEC §9), resolved once into frozen `AlertSpec`s.
 * Pure: returns the specs and every problem found (each with its key path), so `--check`
 * reports them all and the runtime refuses a block that has any.
 *
 *   alert:
 *     slow:
 *       when: "pct(ms < 200, last 20) < 80"   # required
 *       for: 30s                               # default 0: fire at the first true evaluation
 *       clear: "pct(ms < 200, last 20) >= 90"  # default: `when` is false
 *       repeat: 1h                             # default: never re-notify while firing
 *       value: "pct(ms < 200, last 20)"        # reported as alert.value (default: the left side
 *                                              #   of the last comparison in `when`)
 *       timeout: 60                            # seconds an action may run (default 60)
 *       run: [{script: page_oncall.ts}]        # the procedure (optional)
 */
import { AlertExprSyntaxError, durationSeconds, parseAlertExpression, type AlertExpression } from '../language/alert-expr/index.js';
import { isPlainObject } from './plain-object.js';
import type { KeyPath } from './types.js';

export const ALERT_KEYS = ['when', 'for', 'clear', 'value', 'repeat', 'timeout', 'run'] as const;
export const DEFAULT_ACTION_TIMEOUT_MS = 60_000;

export interface AlertSpec {
  readonly name: string;
  readonly when: AlertExpression;
  readonly clear: AlertExpression | undefined;
  /** What `alert.value` reports; undefined = the left side of `when`'s last comparison. */
  readonly value: AlertExpression | undefined;
  readonly forMs: number;
  /** Re-notify at most this often while firing; undefined = notify once. */
  readonly repeatMs: number | undefined;
  /** How long one run of the `run` list may take before it is abandoned. */
  readonly timeoutMs: number;
  /** The run list as written (may be empty). */
  readonly run: readonly unknown[];
  /** Key path of this alert's mapping (`run[0].alert.slow`). */
  readonly path: KeyPath;
}

export interface ConfigProblem {
  readonly code: 'PB_ERR_VALIDATION' | 'PB_ERR_EXPRESSION_SYNTAX';
  readonly path: KeyPath;
  readonly message: string;
  /** For expression errors: 1-based column inside the expression text. */
  readonly column?: number | undefined;
  /** The block schema reports this one too (validation skips it to avoid saying it twice). */
  readonly schema?: boolean | undefined;
}

export function resolveAlerts(raw: unknown, at: KeyPath): { alerts: AlertSpec[]; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const alerts: AlertSpec[] = [];
  const bad = (path: KeyPath, message: string): void => void problems.push({ code: 'PB_ERR_VALIDATION', path, message, schema: true });
  if (!isPlainObject(raw) || Object.keys(raw).length === 0) {
    bad(at, `alert takes a mapping of alert name → {when, for?, clear?, repeat?, timeout?, run?}, got ${show(raw)}`);
    return { alerts, problems };
  }
  for (const [name, spec] of Object.entries(raw)) {
    const p = [...at, name];
    if (!isPlainObject(spec)) {
      bad(p, `alert '${name}' must be a mapping such as {when: "last(ms) > 500", for: 30s}, got ${show(spec)}`);
      continue;
    }
    for (const k of Object.keys(spec)) {
      if (!(ALERT_KEYS as readonly string[]).includes(k)) bad([...p, k], `unknown alert option '${k}'; expected one of ${ALERT_KEYS.join(', ')}`);
    }
    const when = expression(spec.when, [...p, 'when'], problems, true);
    const clear = spec.clear === undefined || spec.clear === null ? undefined : expression(spec.clear, [...p, 'clear'], problems, true);
    const value = spec.value === undefined || spec.value === null ? undefined : expression(spec.value, [...p, 'value'], problems, true);
    const forMs = duration(spec.for, [...p, 'for'], problems, 0, true);
    const repeatMs = spec.repeat === undefined || spec.repeat === null ? undefined : duration(spec.repeat, [...p, 'repeat'], problems, 0, false);
    const timeoutMs = duration(spec.timeout, [...p, 'timeout'], problems, DEFAULT_ACTION_TIMEOUT_MS, false);
    let run: unknown[] = [];
    if (spec.run !== undefined && spec.run !== null) {
      if (!Array.isArray(spec.run)) bad([...p, 'run'], `an alert's run takes a list of run items, got ${show(spec.run)}`);
      else run = spec.run;
    }
    if (when !== undefined && forMs !== undefined && timeoutMs !== undefined) {
      alerts.push(
        Object.freeze({ name, when, clear, value, forMs, repeatMs, timeoutMs, run: Object.freeze([...run]), path: Object.freeze([...p]) }),
      );
    }
  }
  return { alerts, problems };
}

/** Parse an expression option; problems are collected, undefined returned on error. */
export function expression(v: unknown, path: KeyPath, problems: ConfigProblem[], required: boolean): AlertExpression | undefined {
  if (v === undefined || v === null) {
    if (required) problems.push({ code: 'PB_ERR_VALIDATION', schema: true, path, message: `'${String(path[path.length - 1])}' is required: an expression such as "pct(ms < 200, last 20) < 80"` });
    return undefined;
  }
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
    problems.push({ code: 'PB_ERR_VALIDATION', schema: true, path, message: `an expression must be text such as "last(ms) > 500", got ${show(v)}` });
    return undefined;
  }
  try {
    return parseAlertExpression(String(v));
  } catch (e) {
    if (!(e instanceof AlertExprSyntaxError)) throw e;
    problems.push({ code: 'PB_ERR_EXPRESSION_SYNTAX', path, message: e.message, column: e.column });
    return undefined;
  }
}

/** A duration option in ms (`30s`, `5m`, `1h30m`, seconds as a number); `positive` refuses 0. */
function duration(v: unknown, path: KeyPath, problems: ConfigProblem[], dflt: number, zeroOk: boolean): number | undefined {
  if (v === undefined || v === null) return dflt;
  const s = durationSeconds(v);
  if (s === undefined || (!zeroOk && s === 0)) {
    problems.push({
      code: 'PB_ERR_VALIDATION',
      schema: true,
      path,
      message: `'${String(path[path.length - 1])}' must be a duration such as 30s, 5m, 1h30m or a number of seconds${zeroOk ? '' : ' > 0'}, got ${show(v)}`,
    });
    return undefined;
  }
  return s * 1000;
}

export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  const s = JSON.stringify(v);
  return `${Array.isArray(v) ? 'a list ' : isPlainObject(v) ? 'a mapping ' : `${typeof v} `}${s.length > 60 ? `${s.slice(0, 57)}...` : s}`;
}
