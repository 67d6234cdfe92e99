import type { ProcessBlock } from 'procblock';

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The System information tab: the `shell: cat /proc/cpuinfo` before this script left its text
 * in pipe data `output`; this turns it into table rows, one per key, one column per processor.
 * The rows are HTML, escaped here, and go into the template through the raw form `%(key|raw)s`.
 */
export const processBlock: ProcessBlock = async (pipeData) => {
  const text = typeof pipeData.output === 'string' ? pipeData.output : '';
  const processors = text
    .split(/\n\s*\n/)
    .map((block) => {
      const entry = new Map<string, string>();
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) entry.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      }
      return entry;
    })
    .filter((e) => e.size > 0);
  const keys: string[] = [];
  for (const p of processors) for (const k of p.keys()) if (!keys.includes(k)) keys.push(k);
  const head = `<tr><th>key</th>${processors.map((p, i) => `<th>${escape(p.get('processor') ?? String(i))}</th>`).join('')}</tr>`;
  const rows = keys.map((k) => `<tr><th>${escape(k)}</th>${processors.map((p) => `<td>${escape(p.get(k) ?? '')}</td>`).join('')}</tr>`);
  return {
    processors: processors.length,
    model: processors[0]?.get('model name') ?? processors[0]?.get('Processor') ?? 'unknown',
    cpuinfo_rows: [head, ...rows].join('\n'),
  };
};
