import { RuntimeFailure } from '../../core/errors.js';
import type { RrdFile } from './rrd-file.js';
import type { ImportOptions } from './types.js';

export function exportXml(_file: RrdFile): string {
  throw new RuntimeFailure('PB_ERR_RUNTIME', 'exportXml: implementation in progress');
}
export function importXml(_xml: string, _path: string, _opts?: ImportOptions): Promise<RrdFile> {
  return Promise.reject(new RuntimeFailure('PB_ERR_RUNTIME', 'importXml: implementation in progress'));
}
