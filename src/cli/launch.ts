/**
 * What bin/procblock.js runs, bundled by tools/build.mjs into dist/bundle/launch.cjs: load the
 * CLI bundle (dist/bundle/cli.cjs, every module of the CLI in one CommonJS file) through V8's code
 * cache (core/code-cache.ts) and run `main`. Kept small and separate: it runs before the bundle
 * is compiled.
 *
 * A Ctrl-C while the CLI loads is kept for it (a first Ctrl-C is a graceful stop at any moment):
 * main() takes the signals over synchronously, before this keeper is removed. The code cache of
 * a bundle loaded without a usable one is written as the process exits, with every function the
 * run compiled.
 */
import { requireBundle, saveCodeCaches } from '../core/code-cache.js';
import type { StopSignal } from './stop-request.js';

type CliModule = typeof import('./main.js');

export function launch(bundle: string, argv: readonly string[]): void {
  const earlySignals: StopSignal[] = [];
  const keep = (signal: StopSignal): void => void earlySignals.push(signal);
  process.on('SIGINT', keep).on('SIGTERM', keep);
  const { main, processIo } = requireBundle(bundle).exports as CliModule;
  const exit = main(argv, { ...processIo, earlySignals });
  process.off('SIGINT', keep).off('SIGTERM', keep);
  process.once('exit', saveCodeCaches);
  void exit.then((code) => {
    process.exitCode = code;
  });
}
