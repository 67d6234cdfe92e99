import { describe, expect, it } from 'vitest';
import { planLevel, type Unit } from '../../src/engine/level-plan.js';
import { classifyKey } from '../../src/language/tag-key.js';

const classify = (key: string) => classifyKey(key, []);
const order = (units: readonly Unit[]): string[] => units.map((u) => (u.type === 'key' ? u.entry.key : u.links.map((l) => l.key).join(' + ')));

describe('planLevel', () => {
  it('orders by priority, then document order', () => {
    const plan = planLevel(
      {
        template: { text: 'x' },
        run: [],
        b: 1,
        'if a == 1': {},
        'set x': 1,
        'require lock': { name: 'l' },
        'put tag b in queue q': null,
        a: 2,
        'increment n': 1,
      },
      classify,
    );
    expect(order(plan.units)).toEqual(['require lock', 'set x', 'increment n', 'b', 'a', 'if a == 1', 'run', 'template', 'put tag b in queue q']);
    expect(plan.problems).toEqual([]);
  });

  it('lets a mapping value override its priority with __priority', () => {
    const plan = planLevel({ late: { __priority: 1000, v: 1 }, 'set x': 1, early: { __priority: 1 } }, classify);
    expect(order(plan.units)).toEqual(['early', 'set x', 'late']);
  });

  it('chains sibling elif/else to the nearest preceding if', () => {
    const plan = planLevel({ 'if a == 1': {}, x: 1, 'elif a == 2': {}, else: {}, 'if b == 1': {}, 'elif b == 2': {} }, classify);
    expect(order(plan.units)).toEqual(['x', 'if a == 1 + elif a == 2 + else', 'if b == 1 + elif b == 2']);
  });

  it('reports an elif or else with no open chain', () => {
    expect(planLevel({ else: {} }, classify).problems).toHaveLength(1);
    expect(planLevel({ 'if a == 1': {}, else: {}, 'elif b == 1': {} }, classify).problems.map((p) => p.key)).toEqual(['elif b == 1']);
  });
});
