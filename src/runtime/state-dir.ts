/**
 * Where a block's files live when the user does not say.
 *
 * Choice (documented in the README): state, pidfile and daemon log default to the block's own
 * folder, where an operator looks first: `<block dir>/.procblock/<block name>/state/` for unidist
 * persistence, `<block dir>/<block name>.pid` and `<block dir>/<block name>.log` for daemons.
 */
import path from 'node:path';

export function blockBaseName(file: string): string {
  return path.basename(file).replace(/\.(ya?ml)$/i, '');
}

export function defaultStateDir(blockFile: string): string {
  return path.join(path.dirname(blockFile), '.procblock', blockBaseName(blockFile), 'state');
}

export function defaultPidFile(blockFile: string): string {
  return path.join(path.dirname(blockFile), `${blockBaseName(blockFile)}.pid`);
}

export function defaultLogFile(blockFile: string): string {
  return path.join(path.dirname(blockFile), `${blockBaseName(blockFile)}.log`);
}
