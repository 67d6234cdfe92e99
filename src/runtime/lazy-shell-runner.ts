/**
 * The shell runner, loaded with its first shell item: a block without `shell:` items never loads
 * it (nor `node:child_process`) — start-up work the first result of most blocks does not need.
 */
import { RuntimeFailure } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { ShellCall, ShellOutcome, ShellRunner } from '../exec/types.js';

export class LazyShellRunner implements ShellRunner {
  private runner: Promise<ShellRunner> | undefined;
  private closing: Promise<void> | undefined;

  async run(call: ShellCall, log?: Logger): Promise<ShellOutcome> {
    if (this.closing) throw new RuntimeFailure('PB_ERR_CLOSED', `the shell runner is closed; cannot run ${call.command}`);
    this.runner ??= import('../exec/shell-runner.js').then((m) => m.createShellRunner());
    return (await this.runner).run(call, log);
  }

  close(deadlineMs?: number): Promise<void> {
    this.closing ??= this.runner ? this.runner.then((r) => r.close(deadlineMs)) : Promise.resolve();
    return this.closing;
  }
}
