/**
 * A process entry for `procblock rrd …` alone (`node dist/cli/rrd-main.js <sub> …`): the same
 * code path as `procblock rrd`, without loading the block runtime. A closed stdout ends it
 * quietly, as for `procblock rrd` (stdio-guard.ts).
 */
import { runRrdCommand } from './rrd-command.js';
import { guardStdio, isClosedPipe } from './stdio-guard.js';

const stdio = guardStdio(() => process.stdout, () => process.stderr);
let code = await runRrdCommand(process.argv.slice(2), { stdout: stdio.stdout, stderr: stdio.stderr, cwd: process.cwd() });
const failure = stdio.stdoutFailure;
if (failure !== undefined && !isClosedPipe(failure)) {
  stdio.stderr(`error: cannot write to stdout: ${failure.message}\n`);
  code = 1;
}
process.exitCode = code;
