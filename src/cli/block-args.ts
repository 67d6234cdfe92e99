/**
 * The block's own command line (SPEC §1.1): everything after the block file, parsed by the
 * block's `__usage`, or by the generic rules when it has none. Pure.
 *
 * Choices where the spec is silent:
 * - With `__usage`, input data holds every option and every arg by name, plus `args`: the list
 *   of all positionals as given (so blocks written without names keep working).
 * - A flag given a value (`--verbose=yes`) and a value option given none are usage errors.
 * - A value option given twice keeps the last value, as GNU tools do.
 * - `-h`/`--help` anywhere before `--` asks for the usage text, even next to a usage error.
 */
import { InputError } from '../core/errors.js';
import type { UsageSpec } from '../config/types.js';
import { scanArgv } from './argv-scan.js';

export type BlockInput = Record<string, unknown>;

export interface ParsedBlockArgs {
  readonly help: boolean;
  readonly input: BlockInput;
}

export function parseBlockArgs(argv: readonly string[], usage: UsageSpec | undefined): ParsedBlockArgs {
  return usage ? parseWithUsage(argv, usage) : parseGeneric(argv);
}

const HELP = '\0help';

function isHelp(name: string, long: boolean): boolean {
  return long ? name === 'help' : name === 'h';
}

/** Without `__usage`: `--name value`, `--name=value`, bare `--name` → true; positionals → `args`. */
function parseGeneric(argv: readonly string[]): ParsedBlockArgs {
  const input: BlockInput = {};
  const scan = scanArgv(argv, {
    lookup: (name, long) => {
      if (isHelp(name, long)) return { name: HELP, arity: 'none' };
      return long ? { name, arity: 'optional' } : undefined;
    },
  });
  const unknown = scan.problems.find((p) => p.kind === 'unknown');
  if (unknown) {
    throw new InputError('PB_ERR_BLOCK_USAGE', `unknown option '${unknown.arg}': this block has no __usage, so only --name[=value] options are accepted`);
  }
  let help = false;
  for (const o of scan.options) {
    if (o.name === HELP) help = true;
    else input[o.name] = o.value;
  }
  input.args = [...scan.positionals];
  return { help, input };
}

function parseWithUsage(argv: readonly string[], usage: UsageSpec): ParsedBlockArgs {
  const input: BlockInput = {};
  const errors: string[] = [];
  const byName = new Map(usage.options.map((o) => [o.name, o]));
  const byLetter = new Map(usage.options.filter((o) => o.letter).map((o) => [o.letter as string, o]));

  const scan = scanArgv(argv, {
    bundle: true,
    lookup: (name, long) => {
      if (isHelp(name, long)) return { name: HELP, arity: 'none' };
      const opt = long ? byName.get(name) : byLetter.get(name);
      return opt && { name: opt.name, arity: opt.type === 'flag' ? 'none' : 'required' };
    },
  });
  let help = false;
  for (const o of scan.options) {
    if (o.name === HELP) help = true;
    else input[o.name] = o.value;
  }
  for (const p of scan.problems) {
    if (p.kind === 'unknown') errors.push(`unknown option '${p.shown}'${known(usage)}`);
    else if (p.kind === 'takes-no-value') errors.push(`option ${p.shown} is a flag and takes no value (got '${p.value}')`);
    else errors.push(`option ${p.shown} needs a value`);
  }
  const positionals = scan.positionals;

  // Defaults for options not given: flags default to their default or false; value options
  // to their default, else absent.
  for (const opt of usage.options) {
    if (opt.name in input) continue;
    if (opt.type === 'flag') input[opt.name] = opt.hasDefault ? opt.default : false;
    else if (opt.hasDefault) input[opt.name] = opt.default;
  }

  let p = 0;
  for (const arg of usage.args) {
    if (arg.remaining) {
      input[arg.name] = positionals.slice(p);
      p = positionals.length;
      continue;
    }
    if (p < positionals.length) input[arg.name] = positionals[p++];
    else if (arg.required) errors.push(`missing required argument '${arg.name}'${arg.info ? ` (${arg.info})` : ''}`);
    else if (arg.default !== undefined) input[arg.name] = arg.default;
  }
  if (p < positionals.length) {
    const extra = positionals.slice(p);
    errors.push(`unexpected argument${extra.length > 1 ? 's' : ''} ${extra.map((e) => `'${e}'`).join(' ')}: this block takes ${usage.args.length === 0 ? 'no arguments' : `${usage.args.length} (${usage.args.map((a) => a.name).join(', ')})`}`);
  }
  input.args = [...positionals];
  if (errors.length > 0 && !help) {
    throw new InputError('PB_ERR_BLOCK_USAGE', errors.join('; '));
  }
  return { help, input };
}

function known(usage: UsageSpec): string {
  if (usage.options.length === 0) return '; this block takes no options';
  return `; known options: ${usage.options.map((o) => `--${o.name}${o.letter ? `/-${o.letter}` : ''}`).join(', ')}`;
}
