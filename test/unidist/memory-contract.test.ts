import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { createMemoryUnidist } from '../../src/unidist/memory/index.js';
import { connectUnidist, serveUnidist } from '../../src/unidist/remote/index.js';
import type { Unidist } from '../../src/unidist/types.js';
import { describeUnidistContract } from './contract.js';

describeUnidistContract('memory (in-process)', ({ clock }) => createMemoryUnidist({ clock }));

/** The client's close() also tears down the host side, so the contract's afterEach cleans up everything. */
describeUnidistContract('memory through the remote client (MessageChannel)', async ({ clock }) => {
  const host = await createMemoryUnidist({ clock });
  const { port1, port2 } = new MessageChannel();
  const detach = serveUnidist(host, port1, 'contract-client');
  const client = connectUnidist(port2);
  const closeClient = client.close.bind(client);
  let closing: Promise<void> | undefined;
  const closeAll = (): Promise<void> =>
    (closing ??= closeClient().then(async () => {
      detach();
      await host.close();
      closePorts(port1, port2);
    }));
  return Object.assign(client, { close: closeAll }) as Unidist;
});

function closePorts(...ports: MessagePort[]): void {
  for (const p of ports) p.close();
}
