/**
 * Runtime options: everything before the block file belongs to procblock itself (SPEC §1).
 * Pure: argv in, frozen options out; bad usage is an InputError (exit 2).
 */
import { InputError } from '../core/errors.js';
import { LOG_LEVELS, type LogLevel } from '../core/logger.js';
import { parseRedisUrl } from '../unidist/redis/url.js';
import { scanArgv } from './argv-scan.js';
import { checkMetricsExposure, parseMetricsAddress, type MetricsAddress } from './metrics-option.js';

export type OutputFormat = 'json' | 'yaml';

export interface RuntimeCliOptions {
  readonly help: boolean;
  readonly version: boolean;
  readonly format: OutputFormat;
  readonly check: boolean;
  readonly logLevel: LogLevel;
  readonly quiet: boolean;
  readonly stateDir: string | undefined;
  /** `--stop`: stop the daemon started from this block file. */
  readonly stop: boolean;
  /** `--unidist`: `memory` (default) or a Redis URL (`redis://…`, `rediss://…`, `unix:///…`), checked here. */
  readonly unidist: string;
  /** `--unidist-prefix`: the Redis key prefix (default: `procblock:<block name>`). */
  readonly unidistPrefix: string | undefined;
  /** Seconds to wait for in-flight runs on shutdown before terminating them. */
  readonly stopTimeout: number;
  /** Default per-script timeout in seconds (0 = none). */
  readonly scriptTimeout: number;
  /** `--watch`: hot reload on file changes (SPEC §8). */
  readonly watch: boolean;
  /** `--watch-debounce`: seconds of quiet after the last file change before reloading. */
  readonly watchDebounce: number;
  /** Daemon start: seconds to wait for the daemon's first result before giving up. */
  readonly startTimeout: number;
  /** Seconds between status updates of a long-running block (undefined = 1 on a terminal, 60 otherwise; 0 = off). */
  readonly statusInterval: number | undefined;
  /** `--metrics [host:]port`: serve /metrics and /events (SPEC §9). */
  readonly metrics: MetricsAddress | undefined;
  /** `--metrics-token-file FILE`: the bearer token /metrics and /events require. */
  readonly metricsTokenFile: string | undefined;
  /** `--metrics-insecure`: allow a non-loopback --metrics address without a token. */
  readonly metricsInsecure: boolean;
}

export interface ParsedCommandLine {
  readonly options: RuntimeCliOptions;
  /** The block file as given, or undefined when none was given. */
  readonly file: string | undefined;
  /** Everything after the file: the block's own options and args. */
  readonly blockArgv: readonly string[];
}

interface OptionDef {
  readonly name: string;
  readonly letter?: string;
  readonly takesValue: boolean;
  readonly info: string;
  readonly valueName?: string;
}

export const RUNTIME_OPTIONS: readonly OptionDef[] = [
  { name: 'help', letter: 'h', takesValue: false, info: 'Show this help and exit' },
  { name: 'version', letter: 'V', takesValue: false, info: 'Print the version and exit' },
  { name: 'format', takesValue: true, valueName: 'json|yaml', info: 'Result output format (default json)' },
  { name: 'check', takesValue: false, info: 'Load and validate the block only; print "ok" or every problem' },
  { name: 'log-level', takesValue: true, valueName: 'LEVEL', info: `Log level: ${LOG_LEVELS.join(', ')} (default info)` },
  { name: 'quiet', letter: 'q', takesValue: false, info: 'No banner or progress on stderr (errors still shown)' },
  { name: 'state-dir', takesValue: true, valueName: 'DIR', info: 'Where unidist persists (default <block dir>/.procblock/<block>/state)' },
  { name: 'stop', takesValue: false, info: "Stop the daemon started from this block (reads the block's pidfile)" },
  { name: 'unidist', takesValue: true, valueName: 'URL', info: 'unidist back end: memory (default), redis://host:port/db, rediss://… (TLS) or unix:///path.sock' },
  { name: 'unidist-prefix', takesValue: true, valueName: 'PREFIX', info: 'Redis key prefix; processes with the same one share everything (default procblock:<block name>)' },
  { name: 'stop-timeout', takesValue: true, valueName: 'SECONDS', info: 'On Ctrl-C, wait this long for running scripts before terminating them (default 10)' },
  { name: 'script-timeout', takesValue: true, valueName: 'SECONDS', info: 'Default timeout of a script call, 0 = none (default 0)' },
  { name: 'watch', takesValue: false, info: 'Hot reload: watch the block, its imports and scripts; apply valid changes live (SIGHUP reloads too)' },
  { name: 'watch-debounce', takesValue: true, valueName: 'SECONDS', info: 'With --watch: quiet time after the last change before reloading (default 0.2)' },
  { name: 'start-timeout', takesValue: true, valueName: 'SECONDS', info: "Daemon start: wait this long for the daemon's first result (default 60)" },
  { name: 'status-interval', takesValue: true, valueName: 'SECONDS', info: 'Long-running blocks: status line every SECONDS (default 1 on a terminal; a status log line every 60 otherwise; 0 = off)' },
  { name: 'metrics', takesValue: true, valueName: '[HOST:]PORT', info: 'Serve Prometheus /metrics and /events there (host default 127.0.0.1; port 0 = any)' },
  { name: 'metrics-token-file', takesValue: true, valueName: 'FILE', info: 'Require Authorization: Bearer <token in FILE> on --metrics' },
  { name: 'metrics-insecure', takesValue: false, info: 'Allow --metrics on a non-loopback address without a token' },
];

const DEFAULTS: RuntimeCliOptions = Object.freeze({
  help: false,
  version: false,
  format: 'json',
  check: false,
  logLevel: 'info',
  quiet: false,
  stateDir: undefined,
  stop: false,
  unidist: 'memory',
  unidistPrefix: undefined,
  stopTimeout: 10,
  scriptTimeout: 0,
  watch: false,
  watchDebounce: 0.2,
  startTimeout: 60,
  statusInterval: undefined,
  metrics: undefined,
  metricsTokenFile: undefined,
  metricsInsecure: false,
});

export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  const opts: { -readonly [K in keyof RuntimeCliOptions]: RuntimeCliOptions[K] } = { ...DEFAULTS };
  const scan = scanArgv(argv, {
    stopAtPositional: true,
    lookup: (name, long) => {
      const def = RUNTIME_OPTIONS.find((o) => (long ? o.name === name : o.letter === name));
      return def && { name: def.name, arity: def.takesValue ? 'required' : 'none' };
    },
  });
  const problem = scan.problems[0];
  if (problem?.kind === 'unknown') {
    throw new InputError('PB_ERR_USAGE', `unknown option '${problem.arg}' before the block file; known options: ${RUNTIME_OPTIONS.map((o) => `--${o.name}`).join(', ')} (block options go after the file)`);
  }
  if (problem?.kind === 'needs-value') {
    const def = RUNTIME_OPTIONS.find((o) => o.name === problem.name);
    throw new InputError('PB_ERR_USAGE', `option --${problem.name} needs a value (${def?.valueName ?? 'VALUE'})`);
  }
  if (problem?.kind === 'takes-no-value') {
    throw new InputError('PB_ERR_USAGE', `option --${problem.name} takes no value, got '${problem.value}'`);
  }
  for (const o of scan.options) apply(opts, o.name, o.value === true ? undefined : o.value);
  if (opts.unidistPrefix !== undefined && opts.unidist === 'memory') {
    throw new InputError('PB_ERR_USAGE', `--unidist-prefix applies to a Redis back end only; add --unidist redis://… (or unix:///…)`);
  }
  checkMetricsExposure(opts.metrics, opts.metricsTokenFile, opts.metricsInsecure);
  return { options: Object.freeze(opts), file: scan.positionals[0], blockArgv: Object.freeze([...scan.rest]) };
}

function apply(opts: { -readonly [K in keyof RuntimeCliOptions]: RuntimeCliOptions[K] }, name: string, value: string | undefined): void {
  switch (name) {
    case 'help':
      opts.help = true;
      return;
    case 'version':
      opts.version = true;
      return;
    case 'check':
      opts.check = true;
      return;
    case 'quiet':
      opts.quiet = true;
      return;
    case 'stop':
      opts.stop = true;
      return;
    case 'watch':
      opts.watch = true;
      return;
    case 'watch-debounce':
      opts.watchDebounce = seconds(name, value);
      return;
    case 'format':
      if (value !== 'json' && value !== 'yaml') throw new InputError('PB_ERR_USAGE', `--format must be json or yaml, got '${value}'`);
      opts.format = value;
      return;
    case 'log-level':
      if (!(LOG_LEVELS as readonly string[]).includes(value ?? '')) {
        throw new InputError('PB_ERR_USAGE', `--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${value}'`);
      }
      opts.logLevel = value as LogLevel;
      return;
    case 'state-dir':
      opts.stateDir = value;
      return;
    case 'unidist':
      if (value !== 'memory') {
        try {
          parseRedisUrl(value ?? '');
        } catch (e) {
          throw new InputError('PB_ERR_USAGE', `--unidist: ${(e as Error).message}, or memory`, { cause: e });
        }
      }
      opts.unidist = value as string;
      return;
    case 'unidist-prefix':
      if (value === undefined || value === '' || /\s/.test(value)) {
        throw new InputError('PB_ERR_USAGE', `--unidist-prefix must be a non-empty key prefix without spaces, got '${value}'`);
      }
      opts.unidistPrefix = value;
      return;
    case 'stop-timeout':
      opts.stopTimeout = seconds(name, value);
      return;
    case 'script-timeout':
      opts.scriptTimeout = seconds(name, value);
      return;
    case 'start-timeout':
      opts.startTimeout = seconds(name, value);
      return;
    case 'status-interval':
      opts.statusInterval = seconds(name, value);
      return;
    case 'metrics':
      opts.metrics = parseMetricsAddress(value);
      return;
    case 'metrics-token-file':
      opts.metricsTokenFile = value;
      return;
    case 'metrics-insecure':
      opts.metricsInsecure = true;
      return;
  }
}

function seconds(name: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InputError('PB_ERR_USAGE', `--${name} must be a number of seconds >= 0, got '${value}'`);
  }
  return n;
}

export function runtimeHelpText(version: string): string {
  const rows = RUNTIME_OPTIONS.map((o) => {
    const flag = `${o.letter ? `-${o.letter}, ` : '    '}--${o.name}${o.takesValue ? ` ${o.valueName ?? 'VALUE'}` : ''}`;
    return [flag, o.info] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length));
  return [
    `procblock ${version}: YAML blocks into running automation`,
    '',
    'usage: procblock [runtime options] <block.yaml> [block options] [block args]',
    '       procblock rrd <fetch|info|last|first|graph|dump|restore|create|update> ...',
    '       procblock status [--state-dir DIR] [--format text|json] <block.yaml>',
    '',
    'Runtime options (before the block file):',
    ...rows.map(([f, info]) => `  ${f.padEnd(width)}  ${info}`),
    '',
    'After the block file, options and args belong to the block (see: procblock <block.yaml> --help).',
    'Exit codes: 0 ok, 1 runtime failure, 2 bad usage or input, 130 forced stop (second Ctrl-C).',
  ].join('\n');
}
