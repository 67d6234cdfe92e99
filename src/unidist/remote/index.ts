export { connectUnidist } from './client.js';
export { serveUnidist } from './host.js';
export type { UnidistEndpoint } from './protocol.js';
