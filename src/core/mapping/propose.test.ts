import { describe, expect, it } from 'vitest';
import { proposeTransforms } from './propose';

const p = (from: number[], to: number[], name = 'x/kernel', dtypes: ['float32' | 'float16' | 'int32' | 'string', 'float32' | 'float16' | 'int32' | 'string'] = ['float32', 'float32']) =>
  proposeTransforms([{ shape: from, dtype: dtypes[0] }], { shape: to, dtype: dtypes[1], name });

describe('proposeTransforms', () => {
  it('nothing to do for the same shape and dtype', () => expect(p([3, 4], [3, 4])?.transforms).toEqual([]));
  it('PyTorch [out,in] → TF [in,out]', () => expect(p([10, 768], [768, 10])?.transforms).toEqual([{ op: 'transpose', perm: [1, 0] }]));
  it('PyTorch OIHW → TF HWIO', () => expect(p([64, 3, 7, 5], [7, 5, 3, 64])?.transforms).toEqual([{ op: 'transpose', perm: [2, 3, 1, 0] }]));
  it('TF HWIO → PyTorch OIHW', () => expect(p([7, 5, 3, 64], [64, 3, 7, 5])?.transforms).toEqual([{ op: 'transpose', perm: [3, 2, 0, 1] }]));
  it('conv1d [O,I,K] ↔ [K,I,O]', () => expect(p([64, 16, 5], [5, 16, 64])?.transforms).toEqual([{ op: 'transpose', perm: [2, 1, 0] }]));
  it('depthwise [C·M,1,H,W] → [H,W,C,M]', () =>
    expect(p([64, 1, 3, 3], [3, 3, 32, 2])?.transforms).toEqual([{ op: 'reshape', shape: [32, 2, 3, 3] }, { op: 'transpose', perm: [2, 3, 0, 1] }]));
  it('size-1 axes: a 1×1 conv kernel onto a dense kernel', () =>
    expect(p([1, 1, 64, 32], [64, 32])?.transforms).toEqual([{ op: 'squeeze', axis: 0 }, { op: 'squeeze', axis: 0 }]));
  it('size-1 axes the other way', () => expect(p([32], [1, 32])?.transforms).toEqual([{ op: 'expand', axis: 0 }]));
  it('same number of values, different rank → reshape', () => expect(p([768], [12, 64])?.transforms).toEqual([{ op: 'reshape', shape: [12, 64] }]));
  it('more output units: pad with the initializer; more inputs: pad with zeros', () => {
    expect(p([8, 64], [8, 128])?.transforms).toEqual([{ op: 'pad', axis: 1, before: 0, after: 64, fill: 'initializer' }]);
    expect(p([64, 1], [128, 1])?.transforms).toEqual([{ op: 'pad', axis: 0, before: 0, after: 64, fill: 'zeros' }]);
    expect(p([64], [128], 'x/bias')?.transforms).toEqual([{ op: 'pad', axis: 0, before: 0, after: 64, fill: 'initializer' }]);
  });
  it('shrunk → keep the first k', () => expect(p([512, 10], [512, 5])?.transforms).toEqual([{ op: 'slice', axis: 1, start: 0, size: 5 }]));
  it('a conv kernel grown 3×3 → 5×5 is zero-padded around its centre', () =>
    expect(p([3, 3, 16, 32], [5, 5, 16, 32])?.transforms).toEqual([
      { op: 'pad', axis: 0, before: 1, after: 1, fill: 'zeros' },
      { op: 'pad', axis: 1, before: 1, after: 1, fill: 'zeros' },
    ]));
  it('a conv kernel shrunk is resized', () =>
    expect(p([5, 5, 16, 32], [3, 3, 16, 32])?.transforms).toEqual([{ op: 'resize', method: 'bilinear', shape: [3, 3, 16, 32] }]));
  it('a position table is resized', () =>
    expect(p([512, 768], [1024, 768], 'bert/embeddings/position_embeddings')?.transforms).toEqual([{ op: 'resize', method: 'bilinear', shape: [1024, 768] }]));
  it('new vocabulary rows start at the mean embedding', () =>
    expect(p([5981, 768], [6000, 768], 'bert/embeddings/word_embeddings')?.transforms).toEqual([{ op: 'pad', axis: 0, before: 0, after: 19, fill: 'mean' }]));
  it('dtype → cast, with a note when lossy', () => {
    const r = p([4], [4], 'x', ['float32', 'float16']);
    expect(r?.transforms).toEqual([{ op: 'cast', dtype: 'float16' }]);
    expect(r?.notes[0]).toMatch(/rounds/);
    expect(p([4], [4], 'x', ['float16', 'float32'])?.notes).toEqual([]);
  });
  it('a PyTorch conv kernel [out, in, h, w] widened: new outputs at the end of axis 0, new inputs zero on axis 1', () => {
    expect(p([16, 16, 3, 3], [20, 20, 3, 3], 'layer1.0.conv1.weight')?.transforms).toEqual([
      { op: 'pad', axis: 0, before: 0, after: 4, fill: 'initializer' },
      { op: 'pad', axis: 1, before: 0, after: 4, fill: 'zeros' },
    ]);
  });
  it('nothing for strings onto numbers or unrelated shapes', () => {
    expect(p([4], [4], 'x', ['string', 'float32'])).toBeNull();
    expect(p([3, 4, 5], [7, 2])).toBeNull();
  });
});
