import { describe, expect, it } from 'vitest';
import { canLink, compile } from './plan';
import { emptyRecipe, type Link } from './recipe';
import { model, tensor, variable } from './mapping.test-util';

const old = [tensor('a', [4, 3]), tensor('b', [3]), tensor('s', [], { dtype: 'string' }), tensor('q', [4, 2]), tensor('k', [4, 2]), tensor('Adam/x', [3], { kind: 'optimizer' })];
const target = model([variable('A', [3, 4]), variable('B', [3]), variable('C', [5]), variable('QK', [4, 4]), variable('S', [], { dtype: 'float32' }), variable('D', [4, 3], { dtype: 'float16' })]);
const L = (from: string[], to: string, transforms: Link['transforms'] = [], extra: Partial<Link> = {}): Link => ({ from, to, transforms, ...extra });

describe('compile', () => {
  const plan = compile(
    emptyRecipe({
      links: [
        L(['a'], 'A', [{ op: 'transpose', perm: [1, 0] }]),
        L(['b'], 'B'),
        L(['b'], 'C'),
        L(['q', 'k'], 'QK', [{ op: 'concat', axis: 1 }]),
        L(['s'], 'S'),
        L(['a'], 'D', [], { accepted: false, confidence: 'guess', reason: 'test' }),
        L(['a'], 'nowhere'),
      ],
    }),
    { tensors: old },
    target,
  );
  const by = new Map(plan.entries.map((e) => [e.to, e]));

  it('gives every new variable a status', () => {
    expect(plan.entries.map((e) => [e.to, e.status])).toEqual([
      ['A', 'transformed'], ['B', 'exact'], ['C', 'incompatible'], ['QK', 'transformed'], ['S', 'incompatible'], ['D', 'initialised'],
    ]);
  });
  it('says each step’s output shape', () => {
    expect(by.get('A')!.steps).toEqual([{ op: 'transpose', shape: [3, 4], dtype: 'float32' }]);
    expect(by.get('QK')!.from).toEqual(['q', 'k']);
  });
  it('explains incompatibility and suggests the chain that would fit', () => {
    expect(by.get('C')!.problem).toBe('the source is [3] float32 but C is [5] float32');
    expect(by.get('C')!.suggestion).toEqual([{ op: 'pad', axis: 0, before: 0, after: 2, fill: 'initializer' }]);
    expect(by.get('S')!.problem).toMatch(/text and numbers cannot be converted/);
  });
  it('keeps a pending proposal apart from what is applied', () => {
    expect(by.get('D')!.pending).toMatchObject({ from: ['a'], confidence: 'guess', link: 5 });
    expect(by.get('D')!.fill).toBe('initializer');
  });
  it('counts like PyTorch’s missing / unexpected / mismatched, in one view', () => {
    expect(plan.unused).toEqual([]);
    expect(plan.summary).toEqual({ total: 6, exact: 1, transformed: 2, initialised: 1, incompatible: 2, unused: 0, excluded: 1, pending: 1 });
    expect(plan.problems).toEqual(['link 6 goes to nowhere, which the new model does not have']);
  });
  it('a missing source and a failing step are incompatible with the reason', () => {
    const p = compile(emptyRecipe({ links: [L(['zzz'], 'B'), L(['a'], 'A', [{ op: 'reshape', shape: [5] }])] }), { tensors: old }, target);
    expect(p.entries[1]!.problem).toBe('the old checkpoint has no variable named zzz');
    expect(p.entries[0]!.problem).toMatch(/^step 1: reshape \[4,3\] → \[5\] changes the number of values/);
    expect(p.unused).toEqual(['b', 's', 'q', 'k']);
  });
  it('an explicit empty link means "fill by policy"; fill zeros and template', () => {
    const p = compile(emptyRecipe({ fill: 'template', links: [L([], 'A')] }), { tensors: old }, model([variable('A', [3, 4]), { ...variable('T', [1]), initializer: { kind: 'template' } }]));
    expect(p.entries.map((e) => [e.status, e.fill])).toEqual([['initialised', 'initializer'], ['initialised', 'template']]);
  });
});

describe('canLink', () => {
  it('refuses what cannot be converted, with the reason', () => {
    expect(canLink({ name: 'a', dtype: 'string' }, { name: 'b', dtype: 'float32' })).toEqual({ ok: false, reason: 'a is string and b is float32: text and numbers cannot be converted' });
    expect(canLink({ name: 'a', dtype: 'complex64' }, { name: 'b', dtype: 'float32' }).ok).toBe(false);
    expect(canLink({ name: 'a', dtype: 'resource' }, { name: 'b', dtype: 'resource' }).ok).toBe(false);
  });
  it('allows same dtypes and numeric casts', () => {
    expect(canLink({ name: 'a', dtype: 'string' }, { name: 'b', dtype: 'string' })).toEqual({ ok: true });
    expect(canLink({ name: 'a', dtype: 'float16' }, { name: 'b', dtype: 'float32' })).toEqual({ ok: true });
    expect(canLink({ name: 'a', dtype: 'int64' }, { name: 'b', dtype: 'bfloat16' })).toEqual({ ok: true });
  });
});
