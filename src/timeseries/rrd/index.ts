/** procblock's round-robin time-series store: rrdtool 1.7 semantics, procblock's own file format. */
export type {
  ConsolidationFn,
  CreateOptions,
  DsDef,
  DsType,
  FetchOptions,
  FetchResult,
  ImportOptions,
  OpenOptions,
  RraDef,
  RrdCdpInfo,
  RrdDefinition,
  RrdDsInfo,
  RrdInfo,
  RrdRraInfo,
  RrdSample,
  RrdValue,
} from './types.js';
export { RrdFile } from './rrd-file.js';
export { lockRrdFile, type RrdLock } from './file-lock.js';
export { exportXml, importXml } from './xml.js';
export { defaultArchives } from './default-archives.js';
