import { describe, expect, it } from 'vitest';
import { isGraftError } from '../errors';
import { emptyRecipe, RECIPE_VERSION } from './recipe';
import { parseRecipe, parseRecipeText } from './recipe-schema';

const message = (f: () => unknown) => {
  try {
    f();
    return '';
  } catch (e) {
    expect(isGraftError(e)).toBe(true);
    return (e as Error).message;
  }
};

describe('recipe', () => {
  it('fills defaults and round-trips through JSON', () => {
    const r = parseRecipe({ version: 1, links: [{ from: ['a'], to: 'b' }] });
    expect(r).toEqual({ ...emptyRecipe(), links: [{ from: ['a'], to: 'b', transforms: [] }] });
    expect(parseRecipeText(JSON.stringify(r))).toEqual(r);
  });

  it('points at the offending field', () => {
    expect(message(() => parseRecipe({ version: 1, links: [{ from: ['a'], to: 'b', transforms: [{ op: 'pad', axis: 0, before: 1, after: 1, fill: 'sparkles' }] }] }, 'r.json')))
      .toMatch(/^r\.json: recipe links\[0\]\.transforms\[0\]\.fill: /);
    expect(message(() => parseRecipe({ version: 1, rules: [{ kind: 'regex', from: '(', to: 'x' }] }))).toMatch(/recipe rules\[0\]\.from: not a regular expression/);
    expect(message(() => parseRecipe({ version: 1, fill: 'random' }))).toMatch(/recipe fill: /);
    expect(message(() => parseRecipeText('{nope', 'r.json'))).toMatch(/r\.json: the recipe is not JSON/);
    expect(message(() => parseRecipe([]))).toMatch(/a recipe is a JSON object/);
  });

  it('migrates a version-0 draft: string sources, no transforms, an assignment map as rules', () => {
    const r = parseRecipe({ links: [{ from: 'old/w', to: 'new/kernel' }], rules: { 'old_scope/': 'new_scope/' } });
    expect(r.version).toBe(RECIPE_VERSION);
    expect(r.links).toEqual([{ from: ['old/w'], to: 'new/kernel', transforms: [] }]);
    expect(r.rules).toEqual([{ kind: 'prefix', from: 'old_scope/', to: 'new_scope/' }]);
  });

  it('refuses a recipe from a newer Graft, and nonsense versions', () => {
    expect(message(() => parseRecipe({ version: RECIPE_VERSION + 1 }, 'r.json'))).toMatch(/r\.json: recipe version 2 is newer than this Graft understands/);
    expect(message(() => parseRecipe({ version: 'one' }))).toMatch(/expected a whole number/);
  });
});
