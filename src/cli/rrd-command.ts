/**
 * `procblock rrd <sub> …`: inspect and manage round-robin files from the command line
 * (SPEC §6 "The CLI can inspect files"). Returns the exit code: 0 ok, 2 bad usage or bad input
 * (an `error:` line names what is wrong), 1 runtime failure.
 *
 * Where rrdtool differs from what is safe, we choose safe: `create` and `restore` refuse to
 * replace an existing file without `--force` (rrdtool create overwrites silently).
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatError, isProcblockError } from '../core/errors.js';
import { parseGraphOptions } from '../graph/options.js';
import { renderGraph } from '../graph/render-graph.js';
import { writeGraph } from '../graph/write-graph.js';
import { RrdFile, defaultArchives, exportXml, importXml } from '../timeseries/rrd/index.js';
import type { ConsolidationFn, RraDef } from '../timeseries/rrd/index.js';
import { RrdUsageError, expectPositionals, intOption, parseArgs, stringOption } from './rrd-args.js';
import type { OptionSpec, ParsedArgs } from './rrd-args.js';
import { parseDsDef, parseRraDef, parseUpdateArg } from './rrd-definitions.js';
import { RRD_HELP } from './rrd-help.js';
import { formatFetchJson, formatFetchText, formatInfoJson, formatInfoText } from './rrd-output.js';
import { resolveTime, resolveTimeRange } from './rrd-time.js';

export interface RrdCommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
  /** Epoch milliseconds; default Date.now (tests pin it). */
  now?: () => number;
  /** All of standard input, for `restore -`; default reads process.stdin. */
  stdin?: () => Promise<string>;
}

type Handler = (args: ParsedArgs, ctx: Context) => Promise<void>;

interface Context {
  readonly io: RrdCommandIo;
  readonly sub: string;
  readonly nowSeconds: number;
  resolve(p: string): string;
}

const FORMAT: OptionSpec = { name: 'format', takesValue: true };
const CFS: readonly ConsolidationFn[] = ['AVERAGE', 'MIN', 'MAX', 'LAST'];

const COMMANDS: Readonly<Record<string, { options: OptionSpec[]; run: Handler }>> = {
  fetch: {
    options: [
      { name: 'cf', takesValue: true },
      { name: 'start', takesValue: true, aliases: ['s'] },
      { name: 'end', takesValue: true, aliases: ['e'] },
      { name: 'resolution', takesValue: true, aliases: ['r'] },
      FORMAT,
    ],
    run: runFetch,
  },
  info: { options: [FORMAT], run: runInfo },
  last: { options: [], run: runLast },
  first: { options: [{ name: 'rra', takesValue: true, aliases: ['rraindex'] }], run: runFirst },
  graph: {
    options: [
      { name: 'title', takesValue: true, aliases: ['t'] },
      { name: 'vertical-label', takesValue: true, aliases: ['v'] },
      { name: 'fields', takesValue: true },
      { name: 'method', takesValue: true },
      { name: 'period', takesValue: true },
      { name: 'end', takesValue: true, aliases: ['e'] },
      { name: 'width', takesValue: true, aliases: ['w'] },
      { name: 'height', takesValue: true, aliases: ['h'] },
      { name: 'cf', takesValue: true },
      { name: 'colors', takesValue: true },
    ],
    run: runGraph,
  },
  dump: { options: [], run: runDump },
  restore: { options: [{ name: 'force', takesValue: false, aliases: ['f'] }], run: runRestore },
  create: {
    options: [
      { name: 'step', takesValue: true, aliases: ['s'] },
      { name: 'start', takesValue: true, aliases: ['b'] },
      { name: 'force', takesValue: false, aliases: ['f'] },
    ],
    run: runCreate,
  },
  update: { options: [{ name: 'template', takesValue: true, aliases: ['t'] }], run: runUpdate },
};

export async function runRrdCommand(argv: string[], io: RrdCommandIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined) {
    io.stderr('error: no rrd command given (see procblock rrd --help)\n');
    return 2;
  }
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    io.stdout(RRD_HELP);
    return 0;
  }
  const command = COMMANDS[sub];
  if (!command) {
    io.stderr(`error: unknown rrd command ${JSON.stringify(sub)} (one of: ${Object.keys(COMMANDS).join(', ')}; see procblock rrd --help)\n`);
    return 2;
  }
  if (rest.includes('--help') || (rest.includes('-h') && sub !== 'graph')) {
    io.stdout(RRD_HELP);
    return 0;
  }
  const ctx: Context = {
    io,
    sub,
    nowSeconds: Math.floor((io.now ?? Date.now)() / 1000),
    resolve: (p) => path.resolve(io.cwd, p),
  };
  try {
    await command.run(parseArgs(sub, rest, command.options), ctx);
    return 0;
  } catch (e) {
    if (e instanceof RrdUsageError) {
      io.stderr(`error: ${e.message.startsWith('rrd ') ? '' : `rrd ${sub}: `}${e.message}\n`);
      return 2;
    }
    if (isProcblockError(e)) {
      io.stderr(`${formatError(e)}\n`);
      return e.exitCode;
    }
    io.stderr(`error: rrd ${sub}: ${(e as Error).message ?? String(e)}\n`);
    return 1;
  }
}

/** Open an existing file; a missing one is bad input (exit 2) with a plain message. */
async function openRrd(ctx: Context, file: string): Promise<RrdFile> {
  const full = ctx.resolve(file);
  if (!existsSync(full)) throw new RrdUsageError(`rrd ${ctx.sub}: no such file ${file}`);
  return RrdFile.open(full);
}

async function withRrd<T>(ctx: Context, file: string, fn: (rrd: RrdFile) => Promise<T> | T): Promise<T> {
  const rrd = await openRrd(ctx, file);
  try {
    return await fn(rrd);
  } finally {
    await rrd.close();
  }
}

function formatOption(ctx: Context, args: ParsedArgs): 'text' | 'json' {
  const f = stringOption(args, 'format') ?? 'text';
  if (f !== 'text' && f !== 'json') throw new RrdUsageError(`rrd ${ctx.sub}: --format must be text or json; got ${JSON.stringify(f)}`);
  return f;
}

function cfOption(ctx: Context, args: ParsedArgs): ConsolidationFn {
  const cf = (stringOption(args, 'cf') ?? 'AVERAGE').toUpperCase();
  if (!CFS.includes(cf as ConsolidationFn)) {
    throw new RrdUsageError(`rrd ${ctx.sub}: --cf must be one of ${CFS.join(', ')}; got ${JSON.stringify(stringOption(args, 'cf'))}`);
  }
  return cf as ConsolidationFn;
}

async function runFetch(args: ParsedArgs, ctx: Context): Promise<void> {
  const [file = ''] = expectPositionals(ctx.sub, args, ['file'], 1);
  const cf = cfOption(ctx, args);
  const format = formatOption(ctx, args);
  const { start, end } = resolveTimeRange(stringOption(args, 'start'), stringOption(args, 'end'), ctx.nowSeconds, 86_400);
  const resolution = intOption(ctx.sub, args, 'resolution', 1);
  const result = await withRrd(ctx, file, (rrd) =>
    rrd.fetch(resolution === undefined ? { cf, start, end } : { cf, start, end, resolution }),
  );
  ctx.io.stdout(format === 'json' ? formatFetchJson(result, cf) : formatFetchText(result));
}

async function runInfo(args: ParsedArgs, ctx: Context): Promise<void> {
  const [file = ''] = expectPositionals(ctx.sub, args, ['file'], 1);
  const format = formatOption(ctx, args);
  const info = await withRrd(ctx, file, (rrd) => rrd.info());
  const shown = { ...info, filename: file };
  ctx.io.stdout(format === 'json' ? formatInfoJson(shown) : formatInfoText(shown));
}

async function runLast(args: ParsedArgs, ctx: Context): Promise<void> {
  const [file = ''] = expectPositionals(ctx.sub, args, ['file'], 1);
  const last = await withRrd(ctx, file, (rrd) => rrd.lastUpdate());
  ctx.io.stdout(`${Math.floor(last)}\n`);
}

async function runFirst(args: ParsedArgs, ctx: Context): Promise<void> {
  const [file = ''] = expectPositionals(ctx.sub, args, ['file'], 1);
  const index = intOption(ctx.sub, args, 'rra', 0) ?? 0;
  const first = await withRrd(ctx, file, (rrd) => {
    const count = rrd.info().rra.length;
    if (index >= count) throw new RrdUsageError(`rrd first: --rra ${index} is out of range (the file has ${count} archives, 0–${count - 1})`);
    return rrd.first(index);
  });
  ctx.io.stdout(`${first}\n`);
}

/** Graph flags → the block's graph keys, so one validator (parseGraphOptions) serves both. */
const GRAPH_FLAG_KEYS: Readonly<Record<string, string>> = {
  title: 'title',
  'vertical-label': 'vertical label',
  fields: 'fields',
  method: 'method',
  period: 'period',
  width: 'width',
  height: 'height',
  cf: 'cf',
  colors: 'colors',
};

async function runGraph(args: ParsedArgs, ctx: Context): Promise<void> {
  const [file = '', out = ''] = expectPositionals(ctx.sub, args, ['file', 'out.png'], 2);
  const raw: Record<string, unknown> = { path: ctx.resolve(out) };
  for (const [flag, key] of Object.entries(GRAPH_FLAG_KEYS)) {
    const v = stringOption(args, flag);
    if (v !== undefined) raw[key] = v;
  }
  let options;
  try {
    options = parseGraphOptions(raw, '');
  } catch (e) {
    if (isProcblockError(e) && e.location?.keyPath) {
      const key = e.location.keyPath.split(/[.[]/)[0] ?? '';
      const flag = Object.entries(GRAPH_FLAG_KEYS).find(([, k]) => k === key)?.[0] ?? key;
      throw new RrdUsageError(`rrd graph: --${flag}: ${e.message.replace(/^graph option [^:]*: /, '')}`);
    }
    throw e;
  }
  const endText = stringOption(args, 'end');
  const end = endText === undefined ? ctx.nowSeconds : resolveTimeRange(`end-${options.period}`, endText, ctx.nowSeconds, options.period).end;
  const png = await withRrd(ctx, file, (rrd) => renderGraph(rrd, options, end));
  await writeGraph(options.path, png);
}

async function runDump(args: ParsedArgs, ctx: Context): Promise<void> {
  const [file = '', out] = expectPositionals(ctx.sub, args, ['file', 'out.xml'], 1);
  const xml = await withRrd(ctx, file, (rrd) => exportXml(rrd));
  if (out === undefined || out === '-') ctx.io.stdout(xml.endsWith('\n') ? xml : `${xml}\n`);
  else await writeFile(ctx.resolve(out), xml);
}

async function runRestore(args: ParsedArgs, ctx: Context): Promise<void> {
  const [input = '', file = ''] = expectPositionals(ctx.sub, args, ['in.xml', 'file'], 2);
  const force = args.options.has('force');
  const fromStdin = input === '-';
  const inPath = ctx.resolve(input);
  if (!fromStdin && !existsSync(inPath)) throw new RrdUsageError(`rrd restore: no such file ${input} (use - to read the XML from standard input)`);
  const target = ctx.resolve(file);
  if (!force && existsSync(target)) throw new RrdUsageError(`rrd restore: ${file} exists (use --force to replace it)`);
  const xml = fromStdin ? await (ctx.io.stdin ?? readStdin)() : await readFile(inPath, 'utf8');
  const rrd = await importXml(xml, target, { overwrite: force });
  await rrd.close();
}

/** `restore -`: the XML from standard input, as `rrdtool restore -` reads it. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

async function runCreate(args: ParsedArgs, ctx: Context): Promise<void> {
  const [file = '', ...defs] = args.positionals;
  if (file === '') throw new RrdUsageError('rrd create: missing <file>');
  const step = intOption(ctx.sub, args, 'step', 1);
  if (step === undefined) throw new RrdUsageError('rrd create: --step N is required (seconds per primary data point)');
  const dsTexts = defs.filter((d) => d.startsWith('DS:'));
  const rraTexts = defs.filter((d) => d.startsWith('RRA:'));
  const other = defs.find((d) => !d.startsWith('DS:') && !d.startsWith('RRA:'));
  if (other !== undefined) throw new RrdUsageError(`rrd create: ${JSON.stringify(other)} is neither DS:… nor RRA:…`);
  if (dsTexts.length === 0) throw new RrdUsageError('rrd create: at least one DS:name:TYPE:heartbeat:min:max is required');
  const ds = dsTexts.map(parseDsDef);
  const names = new Set<string>();
  for (const d of ds) {
    if (names.has(d.name)) throw new RrdUsageError(`rrd create: data source ${d.name} is defined twice`);
    names.add(d.name);
  }
  const rra: RraDef[] = rraTexts.length > 0 ? rraTexts.map((t) => parseRraDef(t, step)) : defaultArchives();
  const startText = stringOption(args, 'start');
  const start =
    startText === undefined ? undefined : resolveTime('start', startText, ctx.nowSeconds);
  const force = args.options.has('force');
  const target = ctx.resolve(file);
  if (!force && existsSync(target)) throw new RrdUsageError(`rrd create: ${file} exists (use --force to replace it)`);
  const rrd = await RrdFile.create(target, { step, start, ds, rra }, { overwrite: force });
  await rrd.close();
}

async function runUpdate(args: ParsedArgs, ctx: Context): Promise<void> {
  const [file = '', ...samples] = args.positionals;
  if (file === '') throw new RrdUsageError('rrd update: missing <file>');
  if (samples.length === 0) throw new RrdUsageError('rrd update: missing time:value[:value…]');
  await withRrd(ctx, file, async (rrd) => {
    const all = rrd.info().ds.map((d) => d.name);
    const template = stringOption(args, 'template')?.split(':');
    const unknown = template?.find((n) => !all.includes(n));
    if (unknown !== undefined) throw new RrdUsageError(`rrd update: --template names ${unknown}, not a data source (have ${all.join(', ')})`);
    const parsed = samples.map((s) => parseUpdateArg(s, template ?? all, ctx.nowSeconds));
    await rrd.update(parsed);
  });
}
