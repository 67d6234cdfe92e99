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
import type { UsageOption, UsageSpec } from '../config/types.js';

export type BlockInput = Record<string, unknown>;

export interface ParsedBlockArgs {
  readonly help: boolean;
  readonly input: BlockInput;
}

export function parseBlockArgs(argv: readonly string[], usage: UsageSpec | undefined): ParsedBlockArgs {
  return usage ? parseWithUsage(argv, usage) : parseGeneric(argv);
}

/**
 * Walk argv: positionals (everything after `--` too) are collected, `-h`/`--help` noted, and each
 * option token handed to `onOption`, which returns the index of the last argv entry it consumed.
 */
function scan(argv: readonly string[], onOption: (arg: string, index: number) => number): { positionals: string[]; help: boolean } {
  const positionals: string[] = [];
  let help = false;
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (onlyPositionals || !arg.startsWith('-') || arg === '-') positionals.push(arg);
    else if (arg === '--') onlyPositionals = true;
    else if (arg === '-h' || arg === '--help') help = true;
    else i = onOption(arg, i);
  }
  return { positionals, help };
}

/** Without `__usage`: `--name value`, `--name=value`, bare `--name` → true; positionals → `args`. */
function parseGeneric(argv: readonly string[]): ParsedBlockArgs {
  const input: BlockInput = {};
  const { positionals, help } = scan(argv, (arg, i) => {
    if (!arg.startsWith('--')) {
      throw new InputError('PB_ERR_BLOCK_USAGE', `unknown option '${arg}': this block has no __usage, so only --name[=value] options are accepted`);
    }
    const eq = arg.indexOf('=');
    if (eq !== -1) {
      input[arg.slice(2, eq)] = arg.slice(eq + 1);
      return i;
    }
    const next = argv[i + 1];
    if (next === undefined || (next.startsWith('-') && next !== '-')) {
      input[arg.slice(2)] = true;
      return i;
    }
    input[arg.slice(2)] = next;
    return i + 1;
  });
  input.args = positionals;
  return { help, input };
}

function parseWithUsage(argv: readonly string[], usage: UsageSpec): ParsedBlockArgs {
  const input: BlockInput = {};
  const errors: string[] = [];
  const byName = new Map(usage.options.map((o) => [o.name, o]));
  const byLetter = new Map(usage.options.filter((o) => o.letter).map((o) => [o.letter as string, o]));

  const take = (opt: UsageOption, inline: string | undefined, shown: string, nextIndex: number): number => {
    if (opt.type === 'flag') {
      if (inline !== undefined) errors.push(`option ${shown} is a flag and takes no value (got '${inline}')`);
      else input[opt.name] = true;
      return nextIndex - 1;
    }
    if (inline !== undefined) {
      input[opt.name] = inline;
      return nextIndex - 1;
    }
    const value = argv[nextIndex];
    if (value === undefined) {
      errors.push(`option ${shown} needs a value`);
      return nextIndex - 1;
    }
    input[opt.name] = value;
    return nextIndex;
  };

  const { positionals, help } = scan(argv, (arg, i) => {
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const opt = byName.get(name);
      if (!opt) {
        errors.push(`unknown option '--${name}'${known(usage)}`);
        return i;
      }
      return take(opt, eq === -1 ? undefined : arg.slice(eq + 1), `--${name}`, i + 1);
    }
    // Short options; flags may be bundled (-vq); a value letter takes the rest or the next arg.
    const letters = arg.slice(1);
    for (let j = 0; j < letters.length; j++) {
      const letter = letters[j] as string;
      const opt = byLetter.get(letter);
      if (!opt) {
        errors.push(`unknown option '-${letter}'${known(usage)}`);
        return i;
      }
      if (opt.type === 'value') {
        const rest = letters.slice(j + 1);
        return take(opt, rest === '' ? undefined : rest, `-${letter}`, i + 1);
      }
      input[opt.name] = true;
    }
    return i;
  });

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
  input.args = positionals;
  if (errors.length > 0 && !help) {
    throw new InputError('PB_ERR_BLOCK_USAGE', errors.join('; '));
  }
  return { help, input };
}

function known(usage: UsageSpec): string {
  if (usage.options.length === 0) return '; this block takes no options';
  return `; known options: ${usage.options.map((o) => `--${o.name}${o.letter ? `/-${o.letter}` : ''}`).join(', ')}`;
}
