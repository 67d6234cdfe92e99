/**
 * Text for what a running block is doing: the one-line status (TTY status line, periodic log
 * lines) and the report of `procblock status`. Pure: snapshot + now in, text out.
 */
import type { StatusFileContent } from '../runtime/status-file.js';
import { totalsOf, type RuntimeSnapshot, type ThreadSnapshot } from '../runtime/status-snapshot.js';

/** `3s`, `2m`, `1h`, `2d`: how long ago, for humans. */
export function formatAge(seconds: number): string {
  const s = Math.max(0, seconds);
  if (s < 90) return `${Math.round(s)}s`;
  if (s < 90 * 60) return `${Math.round(s / 60)}m`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** `2 threads, 120 runs, 0 errors, 1 skipped, last sample 3s ago` (+ `, stopping`). */
export function statusLineText(snap: RuntimeSnapshot, nowMs: number): string {
  const t = totalsOf(snap.threads);
  const parts = [plural(t.threads, 'thread'), plural(t.runs, 'run'), plural(t.errors, 'error'), `${t.skipped} skipped`];
  if (t.lastSample !== undefined) parts.push(`last sample ${formatAge(nowMs / 1000 - t.lastSample)} ago`);
  if (snap.state === 'stopping') parts.push('stopping');
  return parts.join(', ');
}

/** Cut to `width` columns (the status line must stay one line). */
export function fitWidth(text: string, width: number): string {
  if (width <= 1 || text.length < width) return text;
  return `${text.slice(0, Math.max(0, width - 2))}…`;
}

/** The report of `procblock status`. */
export function statusReport(s: StatusFileContent, alive: boolean, nowMs: number): string {
  const now = nowMs / 1000;
  const title = s.name ? `${s.name} (${s.block})` : s.block;
  let state: string;
  if (alive && s.state !== 'stopped') state = `${s.state}, pid ${s.pid}, up ${formatAge(now - s.startedAt)}`;
  else if (s.state === 'stopped') state = `not running: stopped ${formatAge(now - s.updatedAt)} ago (pid ${s.pid}, ran ${formatAge(s.updatedAt - s.startedAt)})`;
  else state = `not running: pid ${s.pid} is gone without a clean stop (last status ${formatAge(now - s.updatedAt)} ago, while ${s.state})`;
  const lines = [`${title}: ${state}`];
  const t = s.totals;
  const totals = [plural(t.threads, 'thread'), plural(t.runs, 'run'), plural(t.errors, 'error'), `${t.skipped} skipped`, plural(t.samples, 'sample'), plural(t.renders, 'graph render')];
  if (t.lastSample !== undefined) totals.push(`last sample ${formatAge(now - t.lastSample)} ago`);
  lines.push(`  ${totals.join(', ')}`);
  if (s.threads.length > 0) lines.push('', ...threadTable(s.threads, now));
  for (const th of s.threads) if (th.lastError !== undefined) lines.push(`  last error of ${th.id}: ${th.lastError}`);
  const alerts = s.alerts ?? [];
  if (alerts.length > 0) {
    lines.push('', '  alerts:');
    for (const a of alerts) {
      const since = a.state === 'ok' && a.since === 0 ? '' : ` since ${formatAge(now - a.since)} ago`;
      lines.push(`    ${a.thread}/${a.alert}: ${a.state}${since} (value ${a.value === null ? 'unknown' : +a.value.toPrecision(6)})`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function threadTable(threads: readonly ThreadSnapshot[], now: number): string[] {
  // Cluster-safe threads also say how many slots another process ran.
  const elsewhere = threads.some((t) => t.ranElsewhere > 0);
  const head = ['THREAD', 'EVERY', 'RUNS', ...(elsewhere ? ['ELSEWHERE'] : []), 'ERRORS', 'SKIPPED', 'SAMPLES', 'RENDERS', 'LAST RUN'];
  const rows = threads.map((t) => [
    t.id,
    `${t.intervalSeconds}s`,
    String(t.runs),
    ...(elsewhere ? [String(t.ranElsewhere)] : []),
    String(t.errors),
    String(t.skipped),
    String(t.samples),
    String(t.renders),
    t.lastStart === undefined ? '-' : `${formatAge(now - t.lastStart)} ago${t.lastDuration === undefined ? '' : ` (took ${t.lastDuration.toFixed(2)}s)`}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `  ${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')}`;
  return [line(head), ...rows.map(line)];
}
