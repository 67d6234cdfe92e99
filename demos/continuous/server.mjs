// The demo's web server (run by continuous.yaml as a child process until the block stops).
// Listens on a free loopback port and writes it to server.port. Answers after a delay: the
// number of ms in delay.txt when that file exists, else a cycle of CONTINUOUS_FAST_S seconds
// fast (20-80 ms, default 60) and CONTINUOUS_SLOW_S seconds slow (250-400 ms, default 45).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';

const fastS = Number(process.env.CONTINUOUS_FAST_S ?? 60);
const slowS = Number(process.env.CONTINUOUS_SLOW_S ?? 45);
const started = Date.now();

function delayMs() {
  try {
    const forced = Number(readFileSync('delay.txt', 'utf8'));
    if (Number.isFinite(forced) && forced >= 0) return forced;
  } catch {
    // no override: follow the cycle
  }
  const phase = ((Date.now() - started) / 1000) % (fastS + slowS);
  return phase < fastS ? 20 + Math.random() * 60 : 250 + Math.random() * 150;
}

const server = createServer((req, res) => {
  setTimeout(() => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok\n');
  }, delayMs());
});
server.listen(0, '127.0.0.1', () => {
  writeFileSync('server.port.tmp', String(server.address().port));
  renameSync('server.port.tmp', 'server.port');
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
