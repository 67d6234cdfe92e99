/**
 * A web host factory that loads dropSTAR on first use: a block without `dropstar:` never pays for
 * Hono, the HTTP server or the graph renderer. The CLI passes this to the runtime.
 */
import type { WebStartRequest } from '../engine/types.js';
import type { RuntimeWebHost, WebHostFactory } from '../runtime/web-host.js';

export const lazyDropstar: WebHostFactory = (runtime) => {
  let host: Promise<RuntimeWebHost> | undefined;
  const load = (): Promise<RuntimeWebHost> => (host ??= import('./host.js').then((m) => m.createDropstarHost(runtime)));
  return {
    async start(request: WebStartRequest) {
      return (await load()).start(request);
    },
    // Hot reload: switch the listening server's site (starts one when none runs).
    async reload(request: WebStartRequest) {
      const h = await load();
      return h.reload ? h.reload(request) : h.start(request);
    },
    async close(deadlineMs: number) {
      if (host) await (await host).close(deadlineMs);
    },
  };
};
