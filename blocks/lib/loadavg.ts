/**
 * /proc/loadavg (proc(5)): "0.52 0.58 0.59 1/467 12345" — the 1, 5 and 15 minute load
 * averages, then runnable / total scheduling entities (threads), then the last PID.
 */
export interface LoadAvg {
  readonly load_1: number;
  readonly load_5: number;
  readonly load_15: number;
  /** Runnable threads right now. */
  readonly load_running: number;
  /** Threads that exist. */
  readonly load_tasks: number;
}

export function parseLoadavg(text: string): LoadAvg {
  const m = /^\s*(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s+(\d+)\/(\d+)/.exec(text);
  if (!m) throw new Error(`unexpected /proc/loadavg: ${JSON.stringify(text.slice(0, 80))}`);
  return { load_1: Number(m[1]), load_5: Number(m[2]), load_15: Number(m[3]), load_running: Number(m[4]), load_tasks: Number(m[5]) };
}
