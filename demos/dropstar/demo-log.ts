import { appendFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The demo's own log, which the Log tail tab shows: `data/demo.log` beside the block. */
export function logFile(cwd: string): string {
  return path.join(cwd, 'data', 'demo.log');
}

const KEEP_BYTES = 256 * 1024;

/** Append one line; past 256 KB the file is cut to its newer half. */
export async function appendLog(cwd: string, level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR', message: string): Promise<void> {
  const file = logFile(cwd);
  await mkdir(path.dirname(file), { recursive: true });
  await appendFile(file, `${new Date().toISOString()} ${level.padEnd(5)} ${message.replace(/\s+/g, ' ')}\n`);
  if ((await stat(file)).size > KEEP_BYTES) {
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.slice(text.indexOf('\n', text.length / 2) + 1));
  }
}
