import { describe, expect, it } from 'vitest';
import { emptyRecipe, type Link } from '../core/mapping';
import { personsOnly as keptOnRematch, setTransforms } from './recipe-edits';

const proposal: Link = { from: ['a'], to: 'A', transforms: [{ op: 'pad', axis: 0, before: 0, after: 2, fill: 'initializer' }], confidence: 'likely', reason: 'pad axis 0 3→5', accepted: false };

describe('setTransforms', () => {
  it('an edited chain is the person’s: applied, without the matcher’s confidence and reason, kept on rematch', () => {
    const r = setTransforms(emptyRecipe({ links: [proposal] }), 'A', [{ op: 'pad', axis: 0, before: 0, after: 2, fill: 'zeros' }]);
    expect(r.links[0]).toEqual({ from: ['a'], to: 'A', transforms: [{ op: 'pad', axis: 0, before: 0, after: 2, fill: 'zeros' }], reason: 'transforms edited by hand' });
    expect(keptOnRematch(r).links).toHaveLength(1);
  });
  it('leaves a recipe without a link into the variable as it is', () => {
    const r = emptyRecipe({ links: [proposal] });
    expect(setTransforms(r, 'B', [])).toBe(r);
  });
});
