/** dropSTAR (SPEC §7): the web server inside a block's runtime. See docs/dropstar.md. */
export { DropstarHost, createDropstarHost } from './host.js';
export { lazyDropstar } from './lazy-host.js';
export { DropstarSite, type SiteOptions } from './site.js';
export { DropstarServer } from './server.js';
export { parseDropstarConfig, DROPSTAR_DEFAULTS, type DropstarConfig, type PageSpec, type RpcSpec } from './config.js';
export { EventsHub, parseTopics, encodeEvent } from './events-hub.js';
export { hashPassword } from './auth.js';
