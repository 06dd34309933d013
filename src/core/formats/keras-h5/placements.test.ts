import { describe, expect, it } from 'vitest';
import { legacyPlacements, nestedOwners } from './placements';

describe('nestedOwners on a hostile config', () => {
  it('skips null, numbers and arrays among the layers (found by npm run fuzz) and still finds the nested model', () => {
    const topology = {
      class_name: 'Sequential',
      config: { name: 's', layers: [null, 3, [], { class_name: 'Sequential', config: { name: 'inner', layers: [null, { class_name: 'Dense', config: { name: 'd' } }] } }] },
    };
    expect([...nestedOwners(topology)]).toEqual([['d', 'inner']]);
    expect(legacyPlacements([{ name: 'd/kernel', dtype: 'float32', shape: [1], layer: 'd' }], topology)[0]!.dataset).toBe('inner/d/kernel:0');
  });
});
