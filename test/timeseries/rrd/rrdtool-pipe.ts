/** Drives the real `rrdtool -` (pipe mode): one process, commands answered in order. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { requireSystemTool } from '../../helpers/system-tool.js';

/** In CI a missing rrdtool must fail the suite, elsewhere it skips with a message. */
export function requireRrdtool(purpose = 'the RRD differential tests'): boolean {
  return requireSystemTool('rrdtool', ['--version'], purpose);
}

export class RrdtoolPipe {
  private readonly proc: ChildProcessWithoutNullStreams;
  private buf = '';
  private readonly waiting: { resolve: (s: string) => void; reject: (e: Error) => void }[] = [];
  private out: string[] = [];

  constructor(cwd: string) {
    this.proc = spawn('rrdtool', ['-'], { cwd, env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' } });
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (d: string) => this.onData(d));
    this.proc.on('exit', () => {
      for (const w of this.waiting.splice(0)) w.reject(new Error('rrdtool exited'));
    });
  }

  private onData(d: string): void {
    this.buf += d;
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      if (line.startsWith('OK u:') || line.startsWith('ERROR:')) {
        const w = this.waiting.shift();
        const body = this.out.join('\n');
        this.out = [];
        if (!w) continue;
        if (line.startsWith('ERROR:')) w.reject(new Error(`rrdtool: ${line}`));
        else w.resolve(body);
      } else this.out.push(line);
    }
  }

  run(cmd: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.proc.stdin.write(`${cmd}\n`);
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.proc.once('exit', () => resolve());
      this.proc.stdin.end('quit\n');
    });
  }
}

export interface ParsedFetch {
  names: string[];
  times: number[];
  values: number[][];
}

export function parseFetch(out: string): ParsedFetch {
  const lines = out.split('\n').filter((l) => l.trim() !== '');
  const names = (lines.shift() ?? '').trim().split(/\s+/);
  const times: number[] = [];
  const values: number[][] = [];
  for (const l of lines) {
    const [t, rest] = l.split(':') as [string, string];
    times.push(Number(t.trim()));
    values.push(rest.trim().split(/\s+/).map((v) => (/nan/i.test(v) ? NaN : Number(v))));
  }
  return { names, times, values };
}
