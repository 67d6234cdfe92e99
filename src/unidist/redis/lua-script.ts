/**
 * The Lua scripts of the Redis back end (lua/*.lua, each headed by what it guarantees), each
 * loaded with lua/_lib.lua in front (the clock and fence check they share). A script runs as EVALSHA; after a Redis restart (empty script cache) the NOSCRIPT reply is answered by
 * one EVAL, which also loads it again.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const SCRIPT_NAMES = [
  'lock-acquire',
  'lock-release',
  'lock-list',
  'counter-add',
  'counter-set',
  'state-set',
  'state-delete',
  'queue-add',
  'queue-max',
] as const;
export type ScriptName = (typeof SCRIPT_NAMES)[number];

export interface LuaScript {
  readonly name: ScriptName;
  readonly source: string;
  readonly sha: string;
}

let loaded: Readonly<Record<ScriptName, LuaScript>> | undefined;

/** Every script, read once per process (the files sit beside this module, in lua/). */
export function luaScripts(): Readonly<Record<ScriptName, LuaScript>> {
  if (loaded) return loaded;
  const read = (name: string): string => readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');
  const lib = read('_lib');
  loaded = Object.freeze(
    Object.fromEntries(
      SCRIPT_NAMES.map((name) => {
        const source = lib + read(name);
        return [name, { name, source, sha: createHash('sha1').update(source).digest('hex') }];
      }),
    ) as Record<ScriptName, LuaScript>,
  );
  return loaded;
}

/** EVALSHA arguments for `script` with `keys` and `args`. */
export function evalShaArgs(script: LuaScript, keys: readonly string[], args: readonly string[]): string[] {
  return ['EVALSHA', script.sha, String(keys.length), ...keys, ...args];
}

/** The same call as EVAL (after NOSCRIPT). */
export function evalArgs(script: LuaScript, keys: readonly string[], args: readonly string[]): string[] {
  return ['EVAL', script.source, String(keys.length), ...keys, ...args];
}

export function isNoScript(e: unknown): boolean {
  return e instanceof Error && e.message.startsWith('NOSCRIPT');
}
