/**
 * The one argv scanner behind every procblock command line: runtime options (before the block
 * file), the block's own options (`__usage` or the generic rules) and `procblock rrd …`. It splits
 * argv into options and positionals by GNU rules; each caller says which names exist, which take
 * a value, and turns the scan into its own options and its own error messages. Pure.
 *
 * GNU rules as implemented: `--name value`, `--name=value`, `-x value`, `-xVALUE`, bundled short
 * flags (`-vq`), `--` ends options, a lone `-` is a positional.
 */

/**
 * How an option takes its value: `none` (a flag), `required` (inline, else the next argument
 * whatever it looks like), `optional` (inline, else the next argument unless that looks like an
 * option or is missing: then `true`).
 */
export type Arity = 'none' | 'required' | 'optional';

export interface ScanRules {
  /** The option's canonical name and arity, or undefined for an unknown option. */
  lookup(name: string, long: boolean): { readonly name: string; readonly arity: Arity } | undefined;
  /** Stop at the first positional; the rest of argv is returned untouched (`rest`). */
  readonly stopAtPositional?: boolean;
  /** `-600` is a positional (a relative time), not an option. */
  readonly negativeNumbers?: boolean;
  /** Short options may be bundled (`-vq`, `-ofile`). Without it `-abc` is looked up whole. */
  readonly bundle?: boolean;
}

export interface ScannedOption {
  /** Canonical name from `lookup`. */
  readonly name: string;
  /** How it was written (`--out`, `-o`). */
  readonly shown: string;
  /** The value; `true` for a flag (or an `optional` one with none). */
  readonly value: string | true;
  /** Position in argv of the option itself. */
  readonly index: number;
}

export type ScanProblem =
  | { readonly kind: 'unknown'; readonly shown: string; readonly arg: string; readonly index: number }
  | { readonly kind: 'needs-value'; readonly name: string; readonly shown: string; readonly index: number }
  | { readonly kind: 'takes-no-value'; readonly name: string; readonly shown: string; readonly value: string; readonly index: number };

export interface ScanResult {
  readonly options: readonly ScannedOption[];
  readonly positionals: readonly string[];
  /** With `stopAtPositional`: argv after the first positional (which is `positionals[0]`). */
  readonly rest: readonly string[];
  readonly problems: readonly ScanProblem[];
}

export function scanArgv(argv: readonly string[], rules: ScanRules): ScanResult {
  const options: ScannedOption[] = [];
  const positionals: string[] = [];
  const problems: ScanProblem[] = [];
  let onlyPositionals = false;
  const isOptionLike = (a: string | undefined): boolean => a !== undefined && a.startsWith('-') && a !== '-' && !(rules.negativeNumbers === true && /^-\d/.test(a));

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (onlyPositionals || !isOptionLike(arg)) {
      positionals.push(arg);
      if (rules.stopAtPositional) return { options, positionals, rest: argv.slice(i + 1), problems };
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    // One option (long, or short unbundled) or a run of bundled short options.
    const long = arg.startsWith('--');
    const units: { name: string; shown: string; inline: string | undefined; last: boolean }[] = [];
    if (long || !rules.bundle) {
      const body = arg.slice(long ? 2 : 1);
      const eq = body.indexOf('=');
      const name = eq === -1 ? body : body.slice(0, eq);
      units.push({ name, shown: `${long ? '--' : '-'}${name}`, inline: eq === -1 ? undefined : body.slice(eq + 1), last: true });
    } else {
      const letters = arg.slice(1);
      for (let j = 0; j < letters.length; j++) {
        const letter = letters[j] as string;
        const def = rules.lookup(letter, false);
        // A value-taking letter swallows the rest of the bundle as its value.
        if (def && def.arity !== 'none' && j < letters.length - 1) {
          units.push({ name: letter, shown: `-${letter}`, inline: letters.slice(j + 1), last: true });
          break;
        }
        units.push({ name: letter, shown: `-${letter}`, inline: undefined, last: j === letters.length - 1 });
      }
    }
    for (const unit of units) {
      const def = rules.lookup(unit.name, long);
      if (!def) {
        problems.push({ kind: 'unknown', shown: unit.shown, arg, index: i });
        if (rules.bundle && !long) break;
        continue;
      }
      if (def.arity === 'none') {
        if (unit.inline !== undefined) problems.push({ kind: 'takes-no-value', name: def.name, shown: unit.shown, value: unit.inline, index: i });
        else options.push({ name: def.name, shown: unit.shown, value: true, index: i });
        continue;
      }
      if (unit.inline !== undefined) {
        options.push({ name: def.name, shown: unit.shown, value: unit.inline, index: i });
        continue;
      }
      const next = unit.last ? argv[i + 1] : undefined;
      if (def.arity === 'optional' && (next === undefined || isOptionLike(next))) {
        options.push({ name: def.name, shown: unit.shown, value: true, index: i });
      } else if (next === undefined) {
        problems.push({ kind: 'needs-value', name: def.name, shown: unit.shown, index: i });
      } else {
        options.push({ name: def.name, shown: unit.shown, value: next, index: i });
        i++;
      }
    }
  }
  return { options, positionals, rest: [], problems };
}
