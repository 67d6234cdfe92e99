/**
 * Argument parsing for `procblock rrd <sub> …`: a sub-command's declared options (with or
 * without a value, `--opt v` or `--opt=v`) and its positionals. Anything else is a usage error
 * (`RrdUsageError`, exit 2) naming the offending argument.
 */

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
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (onlyPositionals || !arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const spec = byName.get(name);
    if (!spec) throw new RrdUsageError(`rrd ${sub}: unknown option ${arg}`);
    if (!spec.takesValue) {
      if (eq >= 0) throw new RrdUsageError(`rrd ${sub}: option --${spec.name} takes no value`);
      options.set(spec.name, true);
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = body.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined) throw new RrdUsageError(`rrd ${sub}: option --${spec.name} needs a value`);
    options.set(spec.name, value);
  }
  return { positionals, options };
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
