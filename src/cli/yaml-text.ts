/**
 * The YAML printer for `--format yaml`, a module of its own so that the `yaml` package loads only
 * when asked for. Imported statically from here (not `await import('yaml')`): the package is
 * CommonJS, and the CLI bundle (tools/build.mjs) gives a dynamic import of CommonJS only a default export.
 */
import { stringify } from 'yaml';

export function yamlText(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}
