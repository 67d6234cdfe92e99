/** The result printed on stdout: pretty JSON (default) or YAML. */
import type { OutputFormat } from './runtime-options.js';

export async function formatResult(result: unknown, format: OutputFormat): Promise<string> {
  if (format === 'yaml') {
    // Loaded on demand: the CLI imports nothing heavy before its first worker is started.
    const { yamlText } = await import('./yaml-text.js');
    return yamlText(result === undefined ? null : result);
  }
  return `${JSON.stringify(result === undefined ? null : result, jsonReplacer, 2)}\n`;
}

// Values JSON cannot carry are shown rather than silently turned into null or dropped.
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}
