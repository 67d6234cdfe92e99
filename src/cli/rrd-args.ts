/**
 * Argument parsing for `procblock rrd <sub> …`: a sub-command's declared options (with or
 * without a value, `--opt v` or `--opt=v`) and its positionals. Anything else is a usage error
 * (`RrdUsageError`, exit 2) naming the offending argument.
 */
import { scanArgv } from './argv-scan.js';

export class RrdUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RrdUsageError';
  }
}

export interface OptionSpec {
  /** Long name without dashes. */
  readonly name: string;
  readonly takesValue: boolean;
  /** Other spellings, e.g. `rraindex` for `rra`, or one-letter `s`. */
  readonly aliases?: readonly string[];
}

export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly options: ReadonlyMap<string, string | true>;
}

export function parseArgs(sub: string, argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const byName = new Map<string, OptionSpec>();
  for (const s of specs) {
    byName.set(s.name, s);
    for (const a of s.aliases ?? []) byName.set(a, s);
  }
  // `-s` and `--s`, `-start` and `--start` are the same option here, as in rrdtool.
  const scan = scanArgv(argv, {
    negativeNumbers: true,
    lookup: (name) => {
      const spec = byName.get(name);
      return spec && { name: spec.name, arity: spec.takesValue ? 'required' : 'none' };
    },
  });
  const problem = scan.problems[0];
  if (problem?.kind === 'unknown') throw new RrdUsageError(`rrd ${sub}: unknown option ${problem.arg}`);
  if (problem?.kind === 'takes-no-value') throw new RrdUsageError(`rrd ${sub}: option --${problem.name} takes no value`);
  if (problem?.kind === 'needs-value') throw new RrdUsageError(`rrd ${sub}: option --${problem.name} needs a value`);
  const options = new Map<string, string | true>();
  for (const o of scan.options) options.set(o.name, o.value);
  return { positionals: scan.positionals, options };
}

/** Exactly `min`..`max` positionals, named in the message by `names`. */
export function expectPositionals(sub: string, args: ParsedArgs, names: readonly string[], min: number): string[] {
  const p = args.positionals;
  if (p.length < min) {
    throw new RrdUsageError(`rrd ${sub}: missing ${names.slice(p.length, min).map((n) => `<${n}>`).join(' ')}`);
  }
  if (p.length > names.length) {
    throw new RrdUsageError(`rrd ${sub}: unexpected argument ${JSON.stringify(p[names.length])}`);
  }
  return [...p];
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.options.get(name);
  return typeof v === 'string' ? v : undefined;
}

export function intOption(sub: string, args: ParsedArgs, name: string, min: number): number | undefined {
  const v = stringOption(args, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v.trim()) || Number(v) < min) {
    throw new RrdUsageError(`rrd ${sub}: --${name} must be a whole number ≥ ${min}; got ${JSON.stringify(v)}`);
  }
  return Number(v);
}
