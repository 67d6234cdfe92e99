import { RuntimeFailure } from '../../core/errors.js';
import type { CreateOptions, FetchOptions, FetchResult, RrdDefinition, RrdInfo, RrdSample } from './types.js';

// Interim: the API surface, committed first so other modules can code against it.
function notYet(): never {
  throw new RuntimeFailure('PB_ERR_RUNTIME', 'RrdFile: implementation in progress');
}

export class RrdFile {
  private constructor() {}
  static create(_path: string, _def: RrdDefinition, _opts?: CreateOptions): Promise<RrdFile> {
    return Promise.reject(notYet());
  }
  static open(_path: string): Promise<RrdFile> {
    return Promise.reject(notYet());
  }
  update(_samples: RrdSample | RrdSample[]): Promise<void> {
    return Promise.reject(notYet());
  }
  fetch(_opts: FetchOptions): FetchResult {
    notYet();
  }
  info(): RrdInfo {
    notYet();
  }
  lastUpdate(): number {
    notYet();
  }
  first(_rraIndex: number): number {
    notYet();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
