import { describe, expect, it } from 'vitest';
import type { SlotData, SlotOpened, VariableData } from './protocol';
import { modelOrder, modelOrderOf } from '../core/model/model-order';
import { decodeOpened, decodeSwapped, decodeVariables, encodeOpened, encodeVariables } from './slot-wire';

/** What structured clone would give the page: the reference the wire format must equal. */
const cloned = <T>(x: T): T => structuredClone(x);

/** Equal values and the same key order in every object. */
function expectSame(actual: unknown, expected: unknown): void {
  expect(actual).toStrictEqual(expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
}

const base = (name: string, shape: number[]): VariableData => ({ name, dtype: 'float32', shape, byteLength: shape.reduce((a, b) => a * b, 4), kind: 'weight', group: 'dense' });

describe('slot variables by column', () => {
  it('gives back equal variables, keys in their order, across layouts and value kinds', () => {
    const shared = { kind: 'keras', className: 'GlorotUniform', config: { seed: null, params: [1, 2.5, 'x'] } } as const;
    const vars: VariableData[] = [
      base('dense/kernel', [3, 4]),
      { ...base('dense/bias', [4]), path: 'layer_with_weights-0/bias', trainable: false },
      { ...base('scalar', []), unreadable: 'its dtype cannot be read' },
      { ...base('é/名前\0nul\n', [0, 7, 2 ** 40]), originalName: 'x:0', layer: 'dense', weightIndex: 1, trainable: true },
      { ...base('new/a', [2]), initializer: shared, layerClass: 'Dense' },
      { ...base('new/b', [2]), initializer: shared, kerasPath: 'layers/dense/vars/1' },
      { ...base('new/c', [2]), initializer: { kind: 'keras', className: 'Constant', config: { value: -1.5 } } },
      { name: 'reordered', group: 'g', kind: 'bookkeeping', dtype: 'int64', byteLength: 8, shape: [1] },
    ];
    const wire = encodeVariables(vars);
    expectSame(decodeVariables(cloned(wire)), vars);
    expect(wire.layouts.length).toBeGreaterThan(1);
  });

  it('keeps values JSON cannot carry, and keys whose values differ in kind', () => {
    const vars = [
      { ...base('a', [1]), initializer: { kind: 'keras', className: 'Constant', config: { value: Number.NaN } } },
      { ...base('b', [1]), initializer: { kind: 'keras', className: 'Constant', config: { value: -0 } } },
      { ...base('c', [1]), weightIndex: 2 },
      { ...base('d', [1]), weightIndex: 'two' as unknown as number },
      { ...base('e', [1]), layer: undefined },
    ] as VariableData[];
    const back = decodeVariables(cloned(encodeVariables(vars)));
    expect(back).toStrictEqual(vars);
    expect(Object.is((back[1]!.initializer as unknown as { config: { value: number } }).config.value, -0)).toBe(true);
    expect(Object.keys(back[4]!)).toEqual(Object.keys(vars[4]!));
  });

  it('shares one initializer object per distinct initializer on the page', () => {
    const vars = [0, 1, 2].map((i) => ({ ...base(`v${i}`, [2]), initializer: { kind: 'zeros' as const } }));
    const back = decodeVariables(cloned(encodeVariables(vars)));
    expect(back.map((v) => v.initializer)).toStrictEqual(vars.map((v) => v.initializer));
    expect(back[0]!.initializer).toBe(back[2]!.initializer);
  });

  it('carries many variables as a few columns, with names and repeated strings exact', () => {
    const vars = Array.from({ length: 5000 }, (_, i) => base(`model.layers.${i % 7}.experts.${i}.weight`, [i % 5, 8]));
    const wire = encodeVariables(vars);
    expect(Object.values(wire.columns).map((c) => c.as)).toEqual(['string', 'strings', 'shape', 'number', 'strings', 'strings']);
    expectSame(decodeVariables(cloned(wire)), vars);
    expect(decodeVariables(encodeVariables([]))).toEqual([]);
  });

  it('wraps an opened slot and a swap, the slot fields unchanged', () => {
    const opened: SlotOpened = {
      candidates: [{ format: 'safetensors', id: 'm', label: 'm.safetensors', isDefault: true, files: ['m.safetensors'] }],
      candidateId: 'm',
      data: { role: 'old', kind: 'checkpoint', format: 'safetensors', formatName: 'safetensors', label: 'm', files: ['m.safetensors'], variables: [base('w', [2, 2])], warnings: ['w1'], blocking: ['b'] },
    };
    expectSame(decodeOpened(cloned(encodeOpened(opened))), opened);
    expectSame(decodeSwapped(cloned({ old: encodeOpened(opened), new: encodeOpened(null) })), { old: opened, new: null });
  });

  it("sends a sorted checkpoint's model order, which the page's list and canvas then read instead of sorting again", () => {
    const names = ['layer_10/kernel', 'layer_2/bias', 'head/kernel', 'layer_2/kernel', 'embed/embeddings'];
    const data: SlotData = { role: 'old', kind: 'checkpoint', format: 'safetensors', formatName: 's', label: 'm', files: [], variables: names.map((n) => base(n, [2])), warnings: [] };
    const wire = encodeOpened({ candidates: [], candidateId: '', data: { ...data, variables: [...data.variables] } });
    const back = decodeOpened(cloned(wire));
    const expected = modelOrder(data.variables, 'safetensors');
    expect(expected).not.toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(wire.order!.indices)).toEqual(expected);
    expect(modelOrderOf(back.data.variables, 'safetensors')).toEqual(expected);
    // A model JSON is listed in model order: nothing to send.
    expect(encodeOpened({ candidates: [], candidateId: '', data: { ...data, role: 'new', kind: 'keras-json', format: 'keras-json', variables: [...data.variables] } }).order).toBeUndefined();
  });
});
