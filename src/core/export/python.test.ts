// We cannot run TensorFlow for Python here: these tests check the script's text — every link present once, the
// NumPy expression of each transform, the assignment map for renames — not that Python executes it.
import { describe, expect, it } from 'vitest';
import { compile, emptyRecipe, type Link } from '../mapping';
import type { TensorInfo } from '../model/checkpoint';
import type { TargetVariable } from '../model/target';
import { pythonScript } from './python';

const info = (name: string, shape: number[], dtype: TensorInfo['dtype'] = 'float32'): TensorInfo => ({ name, shape, dtype, byteLength: 0, kind: 'weight', group: '' });
const variable = (name: string, shape: number[], init: TargetVariable['initializer'] = { kind: 'keras', className: 'GlorotUniform', config: { seed: null } }): TargetVariable => ({ ...info(name, shape), initializer: init });

function script(old: TensorInfo[], vars: TargetVariable[], links: Link[]) {
  const recipe = emptyRecipe({ links, seed: 7 });
  const plan = compile(recipe, { tensors: old }, { variables: vars });
  return { plan, text: pythonScript(recipe, plan, { variables: vars, label: 'new.json' }, old, { oldPath: 'old/model.ckpt' }) };
}

describe('Python script export', () => {
  it('renames only: one copy per link, the assignment map, and the initialised variable from its Keras initializer', () => {
    const { text } = script(
      [info('old/dense/kernel', [3, 4]), info('old/dense/bias', [4])],
      [variable('new/dense/kernel', [3, 4]), variable('new/dense/bias', [4]), variable('head/kernel', [4, 2])],
      [{ from: ['old/dense/kernel'], to: 'new/dense/kernel', transforms: [] }, { from: ['old/dense/bias'], to: 'new/dense/bias', transforms: [] }],
    );
    expect(text).toContain('reader = tf.train.load_checkpoint(OLD)');
    expect(text).toContain('    values["new/dense/kernel"] = read("old/dense/kernel")\n');
    expect(text).toContain('    values["new/dense/bias"] = read("old/dense/bias")\n');
    expect(text).toContain('    values["head/kernel"] = initial("head/kernel", (4, 2), "float32")  # initialised');
    expect(text).toContain('"head/kernel": {"class_name":"GlorotUniform","config":{"seed":null}},');
    expect(text).toContain('ASSIGNMENT_MAP = {\n    "old/dense/kernel": "new/dense/kernel",\n    "old/dense/bias": "new/dense/bias",\n}');
    expect(text).toContain('tf.compat.v1.train.init_from_checkpoint(OLD, ASSIGNMENT_MAP)');
    expect(text).toContain('tf.compat.v1.train.Saver(var_list=variables)');
    expect(text).toContain('SEED = 7');
    expect(text.match(/^ {4}values\[/gm)).toHaveLength(3);
  });

  it('transforms: transpose, pads, slices, split, concat, cast and resize as NumPy / tf.image', () => {
    const { text, plan } = script(
      [info('w', [4, 3]), info('b', [3]), info('emb', [5, 2]), info('qkv', [2, 9]), info('q', [2, 3]), info('k', [2, 3]), info('pos', [4, 6]), info('h', [3, 2, 2])],
      [
        variable('w2', [3, 4]), variable('b2', [5]), variable('emb2', [7, 2]), variable('k2', [2, 3]), variable('qk', [2, 6]), variable('pos2', [8, 6]),
        variable('b3', [2]), variable('h2', [2, 3, 3]), variable('g', [3, 4]),
      ],
      [
        { from: ['w'], to: 'w2', transforms: [{ op: 'transpose', perm: [1, 0] }] },
        { from: ['b'], to: 'b2', transforms: [{ op: 'pad', axis: 0, before: 0, after: 2, fill: 'zeros' }] },
        { from: ['emb'], to: 'emb2', transforms: [{ op: 'pad', axis: 0, before: 1, after: 1, fill: 'mean' }] },
        { from: ['qkv'], to: 'k2', transforms: [{ op: 'split', axis: 1, sizes: [3, 3, 3], index: 1 }] },
        { from: ['q', 'k'], to: 'qk', transforms: [{ op: 'concat', axis: 1 }] },
        { from: ['pos'], to: 'pos2', transforms: [{ op: 'resize', method: 'bicubic', shape: [8, 6] }] },
        { from: ['b'], to: 'b3', transforms: [{ op: 'slice', axis: 0, start: 1, size: 2 }] },
        { from: ['h'], to: 'h2', transforms: [{ op: 'transpose', perm: [2, 0, 1] }, { op: 'slice', axis: 0, start: 0, size: 2 }, { op: 'transpose', perm: [0, 1, 2] }, { op: 'pad', axis: 2, before: 0, after: 1, fill: 'copy' }] },
        { from: ['w'], to: 'g', transforms: [{ op: 'transpose', perm: [1, 0] }, { op: 'pad', axis: 1, before: 0, after: 0, fill: 'initializer' }, { op: 'cast', dtype: 'float32' }] },
      ],
    );
    expect(plan.summary.incompatible).toBe(0);
    expect(text).toContain('values["w2"] = np.transpose(read("w"), (1, 0))');
    expect(text).toContain('values["b2"] = np.pad(read("b"), [(0, 2)], mode="constant")');
    expect(text).toContain('values["emb2"] = np.pad(read("emb"), [(1, 1), (0, 0)], mode="mean")');
    expect(text).toContain('values["k2"] = read("qkv")[:, 3:6]');
    expect(text).toContain('values["qk"] = np.concatenate([read("q"), read("k")], axis=1)');
    expect(text).toContain('values["pos2"] = resize(read("pos"), (8, 6), "bicubic")');
    expect(text).toContain('values["b3"] = read("b")[1:3]');
    // Chains nest in order; a pad on axis 2 of a rank-3 value has three widths; copy is NumPy's wrap.
    expect(text).toContain('values["h2"] = np.pad(np.transpose(np.transpose(read("h"), (2, 0, 1))[0:2], (0, 1, 2)), [(0, 0), (0, 0), (0, 1)], mode="wrap")');
    expect(text).toContain('values["g"] = cast(pad_with(np.transpose(read("w"), (1, 0)), 1, 0, initial("g", (3, 4), "float32")), "float32")');
    expect(text).not.toContain('ASSIGNMENT_MAP = {');
    for (const e of plan.entries) expect(text.split(`values[${JSON.stringify(e.to)}] = `)).toHaveLength(2);
  });

  it('quotes names Python-safely', () => {
    const { text } = script([info('a"b\\c/é', [2])], [variable('x"y', [2])], [{ from: ['a"b\\c/é'], to: 'x"y', transforms: [] }]);
    expect(text).toContain('values["x\\"y"] = read("a\\"b\\\\c/é")');
  });
});
