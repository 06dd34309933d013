import { describe, expect, it } from 'vitest';
import { transformSchema } from './recipe-schema';
import { applyStep, chainShapes, lossyCastNote, type Transform } from './transforms';

const f32 = (shape: number[]) => ({ shape, dtype: 'float32' as const });

describe('transform steps', () => {
  const cases: [Transform, number[], number[]][] = [
    [{ op: 'reshape', shape: [12, 64] }, [768], [12, 64]],
    [{ op: 'transpose', perm: [3, 2, 0, 1] }, [3, 3, 16, 32], [32, 16, 3, 3]],
    [{ op: 'squeeze', axis: 0 }, [1, 5], [5]],
    [{ op: 'expand', axis: 2 }, [4, 5], [4, 5, 1]],
    [{ op: 'pad', axis: 1, before: 2, after: 3, fill: 'zeros' }, [4, 5], [4, 10]],
    [{ op: 'slice', axis: 0, start: 1, size: 2 }, [4, 5], [2, 5]],
    [{ op: 'resize', method: 'bilinear', shape: [5, 5, 8, 8] }, [3, 3, 8, 8], [5, 5, 8, 8]],
    [{ op: 'split', axis: 1, sizes: [4, 4, 4], index: 2 }, [6, 12], [6, 4]],
  ];
  for (const [step, input, output] of cases) {
    it(`${step.op} ${JSON.stringify(input)} → ${JSON.stringify(output)}`, () => {
      const r = applyStep(step, [f32(input)]);
      expect(r.ok && r.out.shape).toEqual(output);
    });
  }

  it('refuses steps that do not fit what they receive, saying why', () => {
    const reason = (step: Transform, shape: number[], dtype: 'float32' | 'int32' | 'string' = 'float32') => {
      const r = applyStep(step, [{ shape, dtype }]);
      return r.ok ? '' : r.reason;
    };
    expect(reason({ op: 'reshape', shape: [7] }, [2, 3])).toMatch(/changes the number of values \(6 → 7\)/);
    expect(reason({ op: 'transpose', perm: [0, 0] }, [2, 3])).toMatch(/not a permutation/);
    expect(reason({ op: 'squeeze', axis: 1 }, [2, 3])).toMatch(/has size 3, not 1/);
    expect(reason({ op: 'slice', axis: 0, start: 1, size: 2 }, [2, 3])).toMatch(/runs past axis 0/);
    expect(reason({ op: 'pad', axis: 2, before: 0, after: 1, fill: 'zeros' }, [2, 3])).toMatch(/out of range for rank 2/);
    expect(reason({ op: 'resize', method: 'bilinear', shape: [4, 4] }, [2, 2], 'int32')).toMatch(/needs floats/);
    expect(reason({ op: 'resize', method: 'bicubic', shape: [4, 4, 4] }, [2, 2, 2])).toMatch(/at most two/);
    expect(reason({ op: 'reshape', shape: [1] }, [1], 'string')).toMatch(/string tensors can only be copied/);
    expect(reason({ op: 'split', axis: 0, sizes: [1, 2], index: 0 }, [4])).toMatch(/add up to 3/);
  });

  it('concat and stack join several sources, only as the first step', () => {
    const q = f32([768, 64]);
    const ok = chainShapes([{ op: 'concat', axis: 1 }], [q, q, q]);
    expect(ok.ok && ok.out.shape).toEqual([768, 192]);
    const st = chainShapes([{ op: 'stack', axis: 0 }, { op: 'reshape', shape: [3 * 768, 64] }], [q, q, q]);
    expect(st.ok && st.steps.map((s) => s.shape)).toEqual([[3, 768, 64], [2304, 64]]);
    expect(chainShapes([], [q, q]).ok).toBe(false);
    const late = chainShapes([{ op: 'reshape', shape: [768 * 64] }, { op: 'concat', axis: 0 }], [q]);
    expect(!late.ok && late.reason).toMatch(/must be the first step/);
    const mismatch = chainShapes([{ op: 'concat', axis: 1 }], [q, f32([700, 64])]);
    expect(!mismatch.ok && mismatch.reason).toMatch(/cannot join/);
  });

  it('gives every step its output shape and dtype, and notes lossy casts', () => {
    const r = chainShapes([{ op: 'transpose', perm: [1, 0] }, { op: 'pad', axis: 0, before: 0, after: 2, fill: 'mean' }, { op: 'cast', dtype: 'float16' }], [f32([3, 4])]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.steps.map((s) => [s.op, s.shape, s.dtype])).toEqual([['transpose', [4, 3], 'float32'], ['pad', [6, 3], 'float32'], ['cast', [6, 3], 'float16']]);
    expect(r.notes).toEqual(['float32 → float16 rounds values and may overflow to ±inf']);
  });

  it('knows which casts keep every value', () => {
    expect(lossyCastNote('float16', 'float32')).toBeUndefined();
    expect(lossyCastNote('bfloat16', 'float32')).toBeUndefined();
    expect(lossyCastNote('float16', 'bfloat16')).toMatch(/rounds/);
    expect(lossyCastNote('int16', 'float32')).toBeUndefined();
    expect(lossyCastNote('int32', 'float32')).toMatch(/2\^24/);
    expect(lossyCastNote('int8', 'int64')).toBeUndefined();
    expect(lossyCastNote('uint8', 'int16')).toBeUndefined();
    expect(lossyCastNote('int64', 'int32')).toMatch(/overflow/);
    expect(lossyCastNote('float32', 'int32')).toMatch(/fractions/);
    expect(lossyCastNote('bool', 'float32')).toBeUndefined();
  });

  it('validates transform data from JSON', () => {
    expect(transformSchema.safeParse({ op: 'pad', axis: 0, before: 0, after: 1, fill: 'zeros' }).success).toBe(true);
    expect(transformSchema.safeParse({ op: 'pad', axis: -1, before: 0, after: 1, fill: 'zeros' }).success).toBe(false);
    expect(transformSchema.safeParse({ op: 'warp' }).success).toBe(false);
    expect(transformSchema.safeParse({ op: 'cast', dtype: 'float33' }).success).toBe(false);
  });
});
