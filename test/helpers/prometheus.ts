/**
 * A real Prometheus for metrics tests (Debian's `prometheus`): started on a free loopback port
 * with a temporary TSDB and a 1 s scrape of the given targets; queried through its HTTP API.
 * Skip-or-fail through `requireSystemTool` in the test file; stop it by PID (`stop()`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export interface ScrapeTarget {
  readonly job: string;
  /** `host:port` */
  readonly target: string;
  /** Sent as `Authorization: Bearer <content>` (Prometheus's `authorization.credentials_file`). */
  readonly bearerTokenFile?: string | undefined;
}

export interface RunningPrometheus {
  readonly child: ChildProcess;
  /** The instant vector of a PromQL query now. */
  query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** The query's result once it is not empty (polled every 250 ms up to `deadlineMs`). */
  queryUntilFound(promql: string, deadlineMs: number): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** Its log so far (warnings and errors). */
  log(): string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Resolve when `fn` returns a value, polling every `everyMs`; reject after `deadlineMs`. */
export async function poll<T>(fn: () => Promise<T | undefined>, deadlineMs: number, everyMs = 250): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`no result within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function startPrometheus(dir: string, targets: readonly ScrapeTarget[]): Promise<RunningPrometheus> {
  const port = await freePort();
  const config = path.join(dir, 'prometheus.yml');
  const jobs = targets.flatMap((t) => [
    `  - job_name: ${t.job}`,
    ...(t.bearerTokenFile ? ['    authorization:', `      credentials_file: ${JSON.stringify(t.bearerTokenFile)}`] : []),
    '    static_configs:',
    `      - targets: ['${t.target}']`,
  ]);
  writeFileSync(config, ['global:', '  scrape_interval: 1s', '  evaluation_interval: 1s', 'scrape_configs:', ...jobs, ''].join('\n'));
  const child = spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (log += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const query: RunningPrometheus['query'] = async (promql) => {
    const r = (await (await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(promql)}`)).json()) as {
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    return r.data.result;
  };
  return {
    child,
    query,
    queryUntilFound: (promql, deadlineMs) =>
      poll(async () => {
        const r = await query(promql);
        return r.length > 0 ? r : undefined;
      }, deadlineMs).catch((e: Error) => {
        throw new Error(`${promql}: ${e.message}; prometheus log:\n${log}`);
      }),
    log: () => log,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
      await exited;
    },
  };
}
