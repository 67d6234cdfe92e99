// Block loading (src/config): what a CLI start pays to validate a block.
// Peer: ajv compiling schemas/block.schema.json at run time (what we avoid by generating the
// validator at development time), and yaml.parse alone (the floor of any loader).
// Run after `npm run build`: node bench/config.bench.mjs
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const fixture = `${root}test/fixtures/config/good/all-tags.yaml`;

/** Median of `runs` cold measurements, each in a fresh node process (import cost is per process). */
function cold(code, runs = 7) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
    samples.push(Number(out.trim()));
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const ourValidator = cold(`
const t0 = performance.now();
await import('./dist/config/generated/block-validator.js');
console.log(performance.now() - t0);`);
const ajvValidator = cold(`
import { readFileSync } from 'node:fs';
const t0 = performance.now();
const { default: Ajv } = await import('ajv');
const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, logger: false });
ajv.addKeyword({ keyword: 'x-name', schemaType: 'string' });
ajv.addKeyword({ keyword: 'x-rule', schemaType: 'string' });
ajv.compile(JSON.parse(readFileSync('schemas/block.schema.json', 'utf8')));
console.log(performance.now() - t0);`);
line('validator ready (cold process)', ourValidator, 'ajv import+compile', ajvValidator, 'ms', '<= 0.1');

const { checkBlock } = await import('../dist/config/index.js');
const { parse } = await import('yaml');
const { readFileSync } = await import('node:fs');
const N = 300;
for (let i = 0; i < 50; i++) {
  await checkBlock(fixture);
  parse(readFileSync(fixture, 'utf8'));
}
let t0 = performance.now();
for (let i = 0; i < N; i++) await checkBlock(fixture);
const ours = (performance.now() - t0) / N;
t0 = performance.now();
for (let i = 0; i < N; i++) parse(readFileSync(fixture, 'utf8'));
const floor = (performance.now() - t0) / N;
line('checkBlock(all-tags.yaml) warm', ours, 'readFile+yaml.parse', floor, 'ms', '<= 3');

function line(name, x, peer, y, unit, target) {
  console.log(`${name}: ours ${x.toFixed(2)} ${unit} | ${peer} ${y.toFixed(2)} ${unit} | ratio ${(x / y).toFixed(2)} | target ${target}`);
}
