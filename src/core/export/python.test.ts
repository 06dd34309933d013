// These tests check the script's text: literals, arguments, the expression of each transform, the branch for each
// output format. Running it needs Python with NumPy (and TensorFlow, h5py, safetensors for some formats): the
// real runs are part of `npm run test:real`.
import { describe, expect, it } from 'vitest';
import type { OutputFormat } from '../formats/writers';
import { compile, emptyRecipe, type Link } from '../mapping';
import type { TensorInfo } from '../model/checkpoint';
import type { TargetModel, TargetVariable } from '../model/target-model';
import { pythonScript, type PythonScriptOptions } from './python';
import { pyLiteral, pyStr } from './python-literal';

const info = (name: string, shape: number[], dtype: TensorInfo['dtype'] = 'float32'): TensorInfo => ({ name, shape, dtype, byteLength: 0, kind: 'weight', group: '' });
const glorot: TargetVariable['initializer'] = { kind: 'keras', className: 'GlorotUniform', config: { seed: null } };
const variable = (name: string, shape: number[], init: TargetVariable['initializer'] = glorot, extra: Partial<TargetVariable> = {}): TargetVariable => ({ ...info(name, shape), initializer: init, ...extra });

function model(variables: TargetVariable[], source: TargetModel['source'] = 'keras-json', topology?: unknown): TargetModel {
  return { source, label: 'new.json', variables, warnings: [], defaultValue: async () => new Uint8Array(), ...(topology !== undefined && { topology }) };
}

async function script(old: TensorInfo[], target: TargetModel, links: Link[], opts: Partial<PythonScriptOptions> = {}) {
  const recipe = emptyRecipe({ links, seed: 7 });
  const plan = compile(recipe, { tensors: old }, target);
  return { plan, text: await pythonScript(recipe, plan, target, old, { format: 'safetensors', oldPath: 'old/model.ckpt', ...opts }) };
}

describe('Python literals', () => {
  it('writes None/True/False and numbers that read back the same, never JSON literals', () => {
    expect(pyLiteral({ seed: null, on: true, off: false, n: [1, 0.1, -0, 1e-7, 1e21, NaN, Infinity], s: 'a"b\\c\n' })).toBe(
      '{"seed": None, "on": True, "off": False, "n": [1, 0.1, -0.0, 1e-7, 1e+21, float("nan"), float("inf")], "s": "a\\"b\\\\c\\n"}',
    );
    expect(pyStr('é\u2028\ud800')).toBe('"é\\u2028\\ud800"');
  });

  it('emits Keras initializer configs as Python literals', async () => {
    const init = { kind: 'keras' as const, className: 'VarianceScaling', config: { seed: null, scale: 2, mode: 'fan_in', nested: { flag: true } } };
    const { text } = await script([], model([variable('head/kernel', [4, 2], init)]), []);
    expect(text).toContain('    "head/kernel": ("float32", (4, 2), ("keras", "VarianceScaling", {"seed": None, "scale": 2, "mode": "fan_in", "nested": {"flag": True}})),');
    expect(text).not.toMatch(/\bnull\b|: true\b|: false\b/);
  });
});

describe('Python script arguments', () => {
  it('takes OLD and OUT for a model JSON target, and reads no path Graft saw', async () => {
    const { text } = await script([info('w', [2])], model([variable('w', [2])]), [{ from: ['w'], to: 'w', transforms: [] }], { oldPath: 'somewhere/old.weights.h5', outPath: 'elsewhere/out.safetensors' });
    expect(text).toContain('usage: python SCRIPT OLD OUT\n');
    expect(text).toContain('NEEDS_TEMPLATE = False');
    expect(text).toContain('wanted = 3 if NEEDS_TEMPLATE else 2');
    expect(text).toContain('sys.stderr.write(USAGE.replace("SCRIPT", os.path.basename(sys.argv[0]), 1))');
    // The paths appear once each, in the docstring's "Graft ran it with" line, never as a value the script uses.
    expect(text.split('somewhere/old.weights.h5')).toHaveLength(2);
    expect(text.split('elsewhere/out.safetensors')).toHaveLength(2);
    expect(text).toMatch(/Graft ran it with OLD = somewhere\/old\.weights\.h5.*OUT = elsewhere\/out\.safetensors/);
  });

  it('takes OLD, TEMPLATE and OUT for a checkpoint template, and fills unlinked variables from the template', async () => {
    const target = model([variable('a', [2], { kind: 'template' }), variable('b', [3], { kind: 'template' })], 'checkpoint');
    const { text } = await script([info('a', [2])], target, [{ from: ['a'], to: 'a', transforms: [] }], { format: 'tf', oldFormat: 'tf-bundle' });
    expect(text).toContain('usage: python SCRIPT OLD TEMPLATE OUT\n');
    expect(text).toContain('NEEDS_TEMPLATE = True');
    expect(text).toContain('template = open_checkpoint(argv[1], "TEMPLATE") if NEEDS_TEMPLATE else None');
    expect(text).toContain('    "b": ("float32", (3,), ("template", "b")),');
    expect(text).toContain('    yield checked("b", "float32", (3,), default(template, "b"))  # initialised');
    // Renames only, old checkpoint a TF bundle: the assignment map for init_from_checkpoint.
    expect(text).toContain('ASSIGNMENT_MAP = {\n    "a": "a",\n}');
    expect(text).not.toContain('def derive_seed'); // nothing is drawn
  });

  it('takes TEMPLATE for a model built from a .keras file, reading each stored weight under its key in that file', async () => {
    const stored = (name: string, kerasPath: string, key?: string) => variable(name, [2], { kind: 'template', ...(key && { key }) }, { kerasPath });
    const target = model([stored('dense/kernel', 'layers/dense/vars/0'), stored('dense/bias', 'layers/dense/vars/1', 'model_weights/dense/dense/bias:0'), variable('head/kernel', [2])]);
    const { text } = await script([], target, []);
    expect(text).toContain('NEEDS_TEMPLATE = True');
    expect(text).toContain('    "dense/kernel": ("float32", (2,), ("template", "layers/dense/vars/0")),');
    expect(text).toContain('    "dense/bias": ("float32", (2,), ("template", "model_weights/dense/dense/bias:0")),');
    expect(text).toContain('    "head/kernel": ("float32", (2,), ("keras", "GlorotUniform", {"seed": None})),');
  });
});

describe('Python script values', () => {
  it('copies, initialises from the seeded generator, and fills zeros where the recipe says so', async () => {
    const target = model([variable('new/kernel', [3, 4]), variable('head/kernel', [4, 2]), variable('z', [5])]);
    const recipe = emptyRecipe({ links: [{ from: ['old/kernel'], to: 'new/kernel', transforms: [] }], seed: 7 });
    const old = [info('old/kernel', [3, 4])];
    const plan = compile(recipe, { tensors: old }, target);
    plan.entries[2]!.fill = 'zeros';
    const text = await pythonScript(recipe, plan, target, old, { format: 'safetensors', oldPath: 'old.h5', seed: 11 });
    expect(text).toContain('    yield checked("new/kernel", "float32", (3, 4), old.get("old/kernel"))\n');
    expect(text).toContain('    yield checked("head/kernel", "float32", (4, 2), default(template, "head/kernel"))  # initialised');
    expect(text).toContain('    yield checked("z", "float32", (5,), zeros("float32", (5,)))  # initialised');
    expect(text).toContain('SEED = 11');
    expect(text).toContain('def derive_seed(seed, name):');
    expect(text).toContain('def v8_log(x):');
    expect(text).not.toContain('def resize(');
    expect(text).not.toContain('def pad_mean(');
  });

  it('transforms: transpose, pads, slices, split, concat, cast and resize, chained in order', async () => {
    const { text, plan } = await script(
      [info('w', [4, 3]), info('b', [3]), info('emb', [5, 2]), info('qkv', [2, 9]), info('q', [2, 3]), info('k', [2, 3]), info('pos', [4, 6]), info('h', [3, 2, 2])],
      model([
        variable('w2', [3, 4]), variable('b2', [5]), variable('emb2', [7, 2]), variable('k2', [2, 3]), variable('qk', [2, 6]), variable('pos2', [8, 6]),
        variable('b3', [2]), variable('h2', [2, 3, 3]), variable('g', [3, 4]), variable('gt', [5, 4]),
      ]),
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
        { from: ['w'], to: 'gt', transforms: [{ op: 'pad', axis: 1, before: 0, after: 2, fill: 'initializer' }, { op: 'transpose', perm: [1, 0] }] },
      ],
    );
    expect(plan.summary.incompatible).toBe(0);
    const value = (name: string) => text.split('\n').find((l) => l.startsWith(`    yield checked(${JSON.stringify(name)},`));
    expect(value('w2')).toContain('np.transpose(old.get("w"), (1, 0))');
    expect(value('b2')).toContain('np.pad(old.get("b"), [(0, 2)], mode="constant")');
    expect(value('emb2')).toContain('pad_mean(old.get("emb"), 0, 1, 1)');
    expect(value('k2')).toContain('old.get("qkv")[:, 3:6]');
    expect(value('qk')).toContain('np.concatenate([old.get("q"), old.get("k")], axis=1)');
    expect(value('pos2')).toContain('resize(old.get("pos"), (8, 6), "bicubic")');
    expect(value('b3')).toContain('old.get("b")[1:3]');
    expect(value('h2')).toContain('pad_wrap(np.transpose(np.transpose(old.get("h"), (2, 0, 1))[0:2], (0, 1, 2)), 2, 0, 1)');
    // An initializer pad followed by a cast draws the initializer for the pad's shape; one followed only by data
    // movement takes the variable's own default, walked back through the transposes.
    expect(value('g')).toContain('cast(pad_with(np.transpose(old.get("w"), (1, 0)), 1, 0, fresh("g", "float32", (3, 4))), "float32")');
    expect(value('gt')).toContain('np.transpose(pad_with(old.get("w"), 1, 0, np.transpose(default(template, "gt").reshape((5, 4)), (1, 0)).reshape((4, 5))), (1, 0))');
    expect(text).toContain('def resize(x, shape, method):');
    expect(text).toContain('def pad_mean(x, axis, before, after):');
    for (const e of plan.entries) expect(text.split(`yield checked(${JSON.stringify(e.to)},`)).toHaveLength(2);
  });

  it('quotes names Python-safely', async () => {
    const { text } = await script([info('a"b\\c/é', [2])], model([variable('x"y', [2])]), [{ from: ['a"b\\c/é'], to: 'x"y', transforms: [] }]);
    expect(text).toContain('    yield checked("x\\"y", "float32", (2,), old.get("a\\"b\\\\c/é"))');
  });
});

describe('Python script output formats', () => {
  const one = [info('w', [2, 3])];
  const link: Link[] = [{ from: ['w'], to: 'dense/kernel', transforms: [] }];
  const writerOf = async (format: OutputFormat, target: TargetModel) => (await script(one, target, link, { format })).text;

  it('tf: name-based (Saver) for a model without object paths, object-based for a Keras model', async () => {
    const plain = await writerOf('tf', model([variable('dense/kernel', [2, 3])], 'list'));
    expect(plain).toContain('print("wrote", write_tf_names(values, path))');
    expect(plain).not.toContain('TRACKABLE_PATHS');
    const keras = await writerOf('tf', model([variable('dense/kernel', [2, 3], glorot, { trackablePath: '_functional/_operations/1/_kernel' })]));
    expect(keras).toContain('TRACKABLE_PATHS = {\n    "dense/kernel": "_functional/_operations/1/_kernel",\n}');
    expect(keras).toContain('print("wrote", write_tf_objects(values, path))');
    expect(keras).toContain('checkpoint.save_counter.assign(1)');
  });

  it('pytorch, safetensors, keras, keras-legacy and tfjs: their writer, layout and OUT naming', async () => {
    const target = model([variable('dense/kernel', [2, 3], glorot, { layer: 'dense', weightIndex: 0, kerasPath: 'layers/dense/vars/0' })]);
    const pt = await writerOf('pytorch', target);
    expect(pt).toContain('print("wrote", write_pytorch(values, path))');
    expect(pt).toContain('return out + ".pt"');
    const st = await writerOf('safetensors', target);
    expect(st).toContain('write_safetensors(values, path)');
    expect(st).toContain('return out + ".safetensors"');
    const k3 = await writerOf('keras', target);
    expect(k3).toContain('        "dense/kernel": ["layers/dense/vars/0", "native", None],');
    expect(k3).toContain('"group_attrs": [["layers/dense/vars", "name", "dense"], ["vars", "name", "model"]]');
    expect(k3).toContain('return out + ".weights.h5"');
    const legacy = await writerOf('keras-legacy', target);
    expect(legacy).toContain('        "dense/kernel": ["dense/dense/kernel:0", "native", None],');
    expect(legacy).toContain('"root_attrs": [["backend", "tensorflow"], ["keras_version", "2.15.0"], ["layer_names", ["dense"]]]');
    const tfjs = await writerOf('tfjs', target);
    expect(tfjs).toContain('    "dense/kernel": ["float32", False],');
    expect(tfjs).toContain('TFJS_SHARD_BYTES = 4194304');
    expect(tfjs).toMatch(/TFJS_MODEL_JSON = ".*\\"weightsManifest\\":\[\{\\"paths\\":\[\],\\"weights\\":\[\{\\"name\\":\\"dense\/kernel\\"/);
  });
});
