/**
 * Network traffic per interface from /proc/net/dev: two header lines, then
 * "name: rx bytes packets errs drop fifo frame compressed multicast tx bytes packets errs drop
 * fifo colls carrier compressed". Its rx "drop" column is the kernel's rx_dropped +
 * rx_missed_errors (net/core/net-procfs.c). Old kernels print "eth0:123" with no space after
 * the colon; both forms parse.
 */

export interface NetIo {
  readonly rx_bytes: number;
  readonly rx_packets: number;
  readonly rx_errors: number;
  readonly rx_drops: number;
  readonly tx_bytes: number;
  readonly tx_packets: number;
  readonly tx_errors: number;
  readonly tx_drops: number;
}

export function parseNetDev(text: string): Map<string, NetIo> {
  const out = new Map<string, NetIo>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.includes('|')) continue;
    const name = line.slice(0, colon).trim();
    const n = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (name === '' || n.length < 16 || n.some((x) => !Number.isFinite(x))) continue;
    const at = (i: number): number => n[i] as number;
    out.set(name, {
      rx_bytes: at(0),
      rx_packets: at(1),
      rx_errors: at(2),
      rx_drops: at(3),
      tx_bytes: at(8),
      tx_packets: at(9),
      tx_errors: at(10),
      tx_drops: at(11),
    });
  }
  return out;
}
