/**
 * `dropstar:` (SPEC §7): start the block's web server. The value is not processed now: its
 * `pages` and `rpc` mappings are processed per request, by the web side (src/web), which the
 * runtime provides as `services.web`. Stored result: `{url}` of the listening server.
 */
import { invalidBlock } from '../located-error.js';
import { isPlainObject } from '../pipe-path.js';
import type { TagCall, TagOutcome } from '../tag-call.js';

export async function dropstarTag(call: TagCall): Promise<TagOutcome> {
  const { ctx } = call;
  if (!isPlainObject(call.value)) {
    throw invalidBlock(ctx.block, call.path, `dropstar takes a mapping (host, port, pages, rpc, ...), got ${JSON.stringify(call.value)}`);
  }
  const web = ctx.services.web;
  if (!web) {
    throw invalidBlock(ctx.block, call.path, 'dropstar: this runtime has no web server (create the Runtime with the `web` option, as the CLI does)');
  }
  const { url } = await web.start({ block: ctx.block, path: call.path, config: call.value, pipeData: ctx.pipeData });
  return { type: 'store', value: { url } };
}
