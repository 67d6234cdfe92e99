/**
 * procblock's own options written after the block file (SPEC §1: everything after the file
 * belongs to the block). In a block without `__usage` they silently become block input
 * (`--format yaml` → input `format: "yaml"`), so the run warns; in a block with `__usage` they
 * are unknown options, and the usage error gets a hint. Pure.
 */
import type { UsageSpec } from '../config/types.js';
import { scanArgv } from './argv-scan.js';
import { RUNTIME_OPTIONS } from './runtime-options.js';

/** Runtime options a user may put after the file by mistake (help is the block's own after the file). */
function runtimeOption(name: string, long: boolean): string | undefined {
  const def = RUNTIME_OPTIONS.find((o) => (long ? o.name === name : o.letter === name));
  return def && def.name !== 'help' ? def.name : undefined;
}

interface Misplaced {
  readonly name: string;
  /** As written, with its value when it has one: `--format yaml`, `--format=yaml`, `-q`. */
  readonly text: string;
}

function findMisplaced(blockArgv: readonly string[], usage: UsageSpec | undefined): Misplaced[] {
  const declared = new Set([...(usage?.options ?? []).map((o) => o.name), ...(usage?.options ?? []).flatMap((o) => (o.letter ? [`-${o.letter}`] : []))]);
  const out: Misplaced[] = [];
  const scan = scanArgv(blockArgv, { lookup: (name, long) => ({ name: long ? name : `-${name}`, arity: 'optional' }) });
  for (const o of scan.options) {
    const long = !o.name.startsWith('-');
    const name = runtimeOption(long ? o.name : o.name.slice(1), long);
    if (name === undefined || declared.has(o.name)) continue;
    const raw = blockArgv[o.index] ?? o.shown;
    const valued = RUNTIME_OPTIONS.find((d) => d.name === name)?.takesValue === true && o.value !== true && !raw.includes('=');
    out.push({ name, text: valued ? `${raw} ${String(o.value)}` : raw });
  }
  return out;
}

/** Warnings for a block without `__usage` (a block with one reports unknown options itself). */
export function misplacedOptionWarnings(blockArgv: readonly string[], usage: UsageSpec | undefined, blockFile: string): string[] {
  if (usage !== undefined) return [];
  const own = findMisplaced(blockArgv, usage);
  const out: string[] = [];
  if (own.length > 0) {
    const names = own.map((m) => `'${m.name}'`).join(', ');
    out.push(
      `${own.map((m) => m.text).join(', ')} after the block file ${own.length > 1 ? 'are' : 'is'} passed to the block as its option${own.length > 1 ? 's' : ''} ${names} ` +
        `(this block has no __usage); procblock's own options go before the file: procblock ${own.map((m) => m.text).join(' ')} ${blockFile}`,
    );
  }
  return out;
}

/** A line to add to a block usage error when the unknown option is one of procblock's own. */
export function misplacedOptionHint(blockArgv: readonly string[], usage: UsageSpec | undefined, blockFile: string): string | undefined {
  const found = findMisplaced(blockArgv, usage);
  if (found.length === 0) return undefined;
  const texts = found.map((m) => m.text).join(' ');
  return `hint: ${found.map((m) => m.text.split(/[ =]/)[0]).join(', ')} ${found.length > 1 ? 'are' : 'is'} procblock's own; put ${found.length > 1 ? 'them' : 'it'} before the block file: procblock ${texts} ${blockFile}`;
}
