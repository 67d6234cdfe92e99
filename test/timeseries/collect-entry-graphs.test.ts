/** `%(key)s` in the graphs of a `key:` collect: the path gets the file-safe name, titles the name as given. */
import { describe, expect, it } from 'vitest';
import { parseGraphOptions } from '../../src/graph/options.js';
import { graphForEntry } from '../../src/timeseries/collect.js';

describe('graphForEntry', () => {
  const g = parseGraphOptions({ path: 'net-%(key)s.png', title: 'Network %(key)s', 'vertical label': '%(key)s bytes/s' }, 'graph[0]');

  it('fills the title and the vertical label with the entry name, and takes the resolved path', () => {
    const out = graphForEntry(g, 'eth0.100', '/data/net-eth0.100.png');
    expect(out).toMatchObject({ path: '/data/net-eth0.100.png', title: 'Network eth0.100', verticalLabel: 'eth0.100 bytes/s' });
    expect(Object.isFrozen(out)).toBe(true);
  });

  it('leaves a graph of a collect without key: as written', () => {
    expect(graphForEntry(g, undefined, '/data/x.png')).toMatchObject({ path: '/data/x.png', title: 'Network %(key)s' });
  });
});
