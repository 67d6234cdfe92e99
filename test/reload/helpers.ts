/**
 * Hot-reload tests through the real CLI: a block in a temp folder, procblock --watch on it,
 * synchronised on its log lines (each reload logs one line whose JSON fields say what it did).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { RrdFile } from '../../src/timeseries/rrd/index.js';
import { startCli, type RunningCli } from '../helpers/cli.js';

export interface ReloadRecord {
  readonly reload: number;
  readonly outcome: 'applied' | 'unchanged' | 'rejected' | 'refused' | 'failed';
  readonly trigger: string;
  readonly code?: string;
  readonly restarted?: string[];
  readonly started?: string[];
  readonly stopped?: string[];
  readonly kept?: string[];
  readonly refused?: string[];
}

/** Every reload line's fields so far, in order. */
export function reloadRecords(stderr: string): ReloadRecord[] {
  return [...stderr.matchAll(/(\{"reload":\d+,.*\})$/gm)].map((m) => JSON.parse(m[1] as string) as ReloadRecord);
}

export class WatchedBlock {
  readonly cli: RunningCli;

  constructor(
    readonly dir: string,
    args: readonly string[],
  ) {
    this.cli = startCli(args, { cwd: dir });
  }

  static start(dir: string, file: string, extraArgs: readonly string[] = []): WatchedBlock {
    return new WatchedBlock(dir, ['--watch', '--watch-debounce', '0.05', '--state-dir', path.join(dir, 'state'), ...extraArgs, file]);
  }

  /** Resolves once the block has started (its first result printed) and its files are watched. */
  async ready(): Promise<void> {
    await this.cli.waitFor(/^\{[\s\S]*\n\}\n$/, 'stdout'); // the first result, complete
    await this.cli.waitFor(/Long-running block: running/, 'stderr');
    await this.cli.waitFor(/Watching \d+ file\(s\)/, 'stderr');
  }

  get stderr(): string {
    return this.cli.stderr();
  }

  /** Wait for reload line `n` and return its fields. */
  async reload(n: number): Promise<ReloadRecord> {
    await this.cli.waitFor(new RegExp(`\\{"reload":${n},`), 'stderr');
    return reloadRecords(this.stderr).find((r) => r.reload === n) as ReloadRecord;
  }

  /** Number of matches of `re` (global) in stderr so far. */
  count(re: RegExp): number {
    return [...this.stderr.matchAll(new RegExp(re.source, 'g'))].length;
  }

  /**
   * Wait until `re` has matched `n` times in stderr. Counted on each chunk of output (a regex
   * repeating `re` n times would backtrack exponentially while fewer than n matches are there,
   * blocking the test's event loop, its timeout included, for minutes).
   */
  waitForCount(re: RegExp, n: number): Promise<void> {
    if (this.count(re) >= n) return Promise.resolve();
    const { child } = this.cli;
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (this.count(re) < n) return;
        done();
        resolve();
      };
      const ended = (): void => {
        done();
        reject(new Error(`process ended before ${re} matched ${n} times\nstderr:\n${this.stderr}`));
      };
      const done = (): void => {
        child.stderr?.off('data', check);
        child.off('close', ended);
      };
      // Listeners run in order: the RunningCli's own, which records the chunk, came first.
      child.stderr?.on('data', check);
      child.on('close', ended);
    });
  }

  /** SIGINT, and the exit. */
  async stop(): Promise<{ code: number | null; stderr: string; stdout: string }> {
    this.cli.child.kill('SIGINT');
    return this.cli.done;
  }

  write(name: string, text: string): void {
    writeFileSync(path.join(this.dir, name), text);
  }
}

/** A script file returning `fields` and logging `label` on every tick. */
export function tickScript(label: string, fields: string): string {
  return [
    "import type { ProcessBlock } from 'procblock';",
    'export const processBlock: ProcessBlock = async (_p, _b, _r, _i, ctx) => {',
    `  ctx.log.info('${label}');`,
    `  return ${fields};`,
    '};',
    '',
  ].join('\n');
}

/** `info` of a round-robin file (after the process stopped). */
export async function rrdInfo(file: string): Promise<{ lastUpdate: number; lastDs: Record<string, string> }> {
  const f = await RrdFile.open(file);
  try {
    const info = f.info();
    const lastDs: Record<string, string> = {};
    for (const ds of info.ds) lastDs[ds.name] = ds.lastDs;
    return { lastUpdate: info.lastUpdate + info.lastUpdateUsec / 1e6, lastDs };
  } finally {
    await f.close();
  }
}
