// `rrdtool -` (pipe mode): commands on stdin, one `OK u:<user> s:<system> r:<real>` or
// `ERROR` line each. `cpuSeconds()` is the pipe process's cumulative CPU time.
import { spawn } from 'node:child_process';

export function rrdtoolPipe(cwd) {
  const p = spawn('rrdtool', ['-'], { cwd });
  p.stdout.setEncoding('utf8');
  let buf = '';
  let cpu = 0;
  const waiting = [];
  p.stdout.on('data', (d) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const l = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (l.startsWith('OK u:')) {
        const m = /u:([\d.]+) s:([\d.]+)/.exec(l);
        if (m) cpu = Number(m[1]) + Number(m[2]);
        waiting.shift().resolve();
      } else if (l.startsWith('ERROR')) waiting.shift().reject(new Error(l));
    }
  });
  return {
    run(cmd) {
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        p.stdin.write(`${cmd}\n`);
      });
    },
    cpuSeconds: () => cpu,
    close: () => new Promise((r) => (p.once('exit', r), p.stdin.end('quit\n'))),
  };
}
