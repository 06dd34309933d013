import { describe, expect, it } from 'vitest';
import { reorderIndex } from './layout-steps';
import { transformSchema } from './recipe-schema';
import { chainShapes, describeTransform } from './transforms';

const f32 = (shape: number[]) => ({ shape, dtype: 'float32' as const });

describe('reorder and sum steps', () => {
  it('reorder keeps the shape, cuts the axis into equal blocks and takes them in the given order', () => {
    expect(chainShapes([{ op: 'reorder', axis: 1, order: [1, 0, 2] }], [f32([4, 6])])).toMatchObject({ ok: true, out: { shape: [4, 6] } });
    expect(reorderIndex(6, [1, 0, 2])).toEqual([2, 3, 0, 1, 4, 5]);
    expect(chainShapes([{ op: 'reorder', axis: 1, order: [1, 0, 2] }], [f32([4, 7])])).toMatchObject({ ok: false, reason: 'axis 1 of [4,7] does not cut into 3 equal blocks' });
    expect(chainShapes([{ op: 'reorder', axis: 0, order: [0, 0, 2] }], [f32([6])])).toMatchObject({ ok: false });
    expect(chainShapes([{ op: 'reorder', axis: 2, order: [0] }], [f32([6])])).toMatchObject({ ok: false });
  });

  it('sum adds same-shaped float sources, only as a first step', () => {
    expect(chainShapes([{ op: 'sum' }], [f32([5]), f32([5])])).toMatchObject({ ok: true, out: { shape: [5] } });
    expect(chainShapes([{ op: 'sum' }], [f32([5]), f32([4])])).toMatchObject({ ok: false, reason: 'sum cannot add [5] and [4]' });
    expect(chainShapes([{ op: 'sum' }], [{ shape: [5], dtype: 'int32' }, { shape: [5], dtype: 'int32' }])).toMatchObject({ ok: false });
    expect(chainShapes([{ op: 'expand', axis: 0 }, { op: 'sum' }], [f32([5])])).toMatchObject({ ok: false, reason: 'sum must be the first step' });
    expect(chainShapes([{ op: 'sum' }, { op: 'reorder', axis: 0, order: [1, 0] }], [f32([4]), f32([4])])).toMatchObject({ ok: true });
  });

  it('are recipe data: parsed by the schema and described for people', () => {
    expect(transformSchema.parse({ op: 'reorder', axis: 0, order: [1, 0, 2] })).toEqual({ op: 'reorder', axis: 0, order: [1, 0, 2] });
    expect(transformSchema.parse({ op: 'sum' })).toEqual({ op: 'sum' });
    expect(() => transformSchema.parse({ op: 'reorder', axis: 0, order: [] })).toThrow();
    expect(describeTransform({ op: 'reorder', axis: 1, order: [1, 0, 2] })).toBe('reorder axis 1 blocks [1,0,2]');
  });
});
