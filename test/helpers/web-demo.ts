/**
 * Run a web block (a demo copy, or a fixture) through the real CLI on a free port and find its
 * URL in the `dropSTAR listening on <url>` log line. Stop it with SIGINT (a user's Ctrl-C).
 */
import { cpSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, startCli, type CliResult, type RunningCli } from './cli.js';

export interface WebBlock {
  readonly url: string;
  readonly cli: RunningCli;
  /** SIGINT, then the process's end. */
  stop(): Promise<CliResult>;
}

const LISTENING = /dropSTAR listening on (http:\/\/\S+\/)/;

/** Start `procblock [runtimeArgs] <file> --port 0 [blockArgs]` and wait until it listens. */
export async function startWebBlock(file: string, options: { runtimeArgs?: string[]; blockArgs?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<WebBlock> {
  const cli = startCli([...(options.runtimeArgs ?? []), file, '--port', '0', ...(options.blockArgs ?? [])], { env: options.env, cwd: path.dirname(file) });
  await cli.waitFor(LISTENING, 'stderr');
  const url = (LISTENING.exec(cli.stderr()) as RegExpExecArray)[1] as string;
  return {
    url,
    cli,
    stop: () => {
      if (cli.child.exitCode === null) cli.child.kill('SIGINT');
      return cli.done;
    },
  };
}

/**
 * Copy `demos/<name>` into `dir` without what earlier runs left there (data, state, logs), so
 * the repository stays clean; returns the block file's path.
 */
export function copyWebDemo(name: string, dir: string): string {
  cpSync(path.join(repoRoot, 'demos', name), dir, {
    recursive: true,
    filter: (src) => !/\.(rrd|png|pid|log)$|\.procblock|[/\\]data$/.test(src),
  });
  return path.join(dir, `${name}.yaml`);
}
