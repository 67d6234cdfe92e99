/**
 * A process entry for `procblock rrd …` alone (`node dist/cli/rrd-main.js <sub> …`): the same
 * code path as `procblock rrd`, without loading the block runtime.
 */
import { runRrdCommand } from './rrd-command.js';

process.exitCode = await runRrdCommand(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  cwd: process.cwd(),
});
