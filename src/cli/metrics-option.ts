/**
 * `--metrics host:port` (SPEC §9): `9464` or `:9464` bind 127.0.0.1; `host:port` and
 * `[v6]:port` as given; port 0 picks a free one (printed at start-up). A host other than
 * loopback is refused unless `--metrics-token-file FILE` or `--metrics-insecure` is given too.
 */
import { InputError } from '../core/errors.js';
import { isLoopback } from '../metrics/loopback.js';

export interface MetricsAddress {
  readonly host: string;
  readonly port: number;
}

export function parseMetricsAddress(value: string | undefined): MetricsAddress {
  const text = (value ?? '').trim();
  const m = /^(?:(\[[0-9A-Fa-f:.]+\]|[^:[\]\s]*):)?(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) {
    throw new InputError('PB_ERR_USAGE', `--metrics takes [host:]port (e.g. 9464, 127.0.0.1:9464, [::1]:9464; port 0 = any free port), got '${value ?? ''}'`);
  }
  const host = m[1] === undefined || m[1] === '' ? '127.0.0.1' : m[1];
  return { host, port };
}

/** The loopback rule, checked once every runtime option is known. */
export function checkMetricsExposure(address: MetricsAddress | undefined, tokenFile: string | undefined, insecure: boolean): void {
  if (!address || isLoopback(address.host) || tokenFile !== undefined || insecure) return;
  throw new InputError(
    'PB_ERR_USAGE',
    `--metrics ${address.host}:${address.port} would serve metrics and events beyond this machine without authentication; add --metrics-token-file FILE (clients send Authorization: Bearer <token>), or --metrics-insecure if the network is trusted, or bind 127.0.0.1`,
  );
}
