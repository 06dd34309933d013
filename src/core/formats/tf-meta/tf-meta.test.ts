import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memorySource } from '../../io/byte-source';
import { gatherDropFacts } from '../facts';
import { openNewModel } from '../new-model';
import { listCandidates, openCheckpoint } from '../registry';
import { readMetaGraph } from './read';
import { sniffMetaGraph } from './sniff';
import { targetFromMetaGraph } from './target';

// Written by TensorFlow 2.21's tf.compat.v1: testdata/make-meta.py (expected.json is what TF itself reported).
const DIR = join(__dirname, 'testdata');
const file = (name: string, as = name) => memorySource(as, new Uint8Array(readFileSync(join(DIR, name))));
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<'trained' | 'inits', { variables: string[]; trainable: string[]; shapes: Record<string, number[]> }>;
const trainedFiles = () => [file('trained.meta', 'run/trained.meta'), file('trained.index', 'run/trained.index'), file('trained.data-00000-of-00001', 'run/trained.data-00000-of-00001')];

/** A SavedModel around a MetaGraphDef, as saved_model.proto encodes it: schema version 1, then meta_graphs. */
function savedModel(meta: Uint8Array): Uint8Array {
  const len: number[] = [];
  for (let n = meta.byteLength; ; n >>>= 7) {
    if (n < 0x80) {
      len.push(n);
      break;
    }
    len.push((n & 0x7f) | 0x80);
  }
  return Uint8Array.from([0x08, 0x01, 0x12, ...len, ...meta]);
}

describe('reading a MetaGraph written by tf.compat.v1', () => {
  it('lists the variables its Saver stores, with shapes, dtypes and trainable flags as TF reports them', async () => {
    const graph = await readMetaGraph(file('trained.meta'));
    expect(graph.kind).toBe('meta-graph');
    expect(graph.tensorflowVersion).toBe('2.21.0');
    expect(graph.keysFrom).toBe('saver');
    const want = expected.trained;
    expect(graph.variables.map((v) => v.name).sort()).toEqual([...want.variables].sort());
    for (const v of graph.variables) {
      expect(v.shape, v.name).toEqual(want.shapes[v.name]);
      expect(v.trainable, v.name).toBe(want.trainable.includes(v.name));
    }
    expect(graph.variables.find((v) => v.name === 'global_step')?.dtype).toBe('int64');
  });

  it('finds each variable’s consuming op through ref (Identity) and resource (ReadVariableOp) reads', async () => {
    const graph = await readMetaGraph(file('trained.meta'));
    const op = (name: string) => graph.variables.find((v) => v.name === name)?.consumerOp;
    expect(op('conv/k')).toBe('Conv2D');
    expect(op('conv/b')).toBe('BiasAdd');
    expect(op('fc/kernel')).toBe('MatMul');
    expect(op('fc/bias')).toBe('AddV2');
    expect(op('fc/kernel/Adam')).toBe('ApplyAdam');
    expect(op('conv/k/Adam_1')).toBe('ResourceApplyAdam');
  });

  it('tells weights, optimizer state and the step counter apart from the graph', async () => {
    const graph = await readMetaGraph(file('trained.meta'));
    const kind = (name: string) => graph.variables.find((v) => v.name === name)?.kind;
    expect(kind('fc/kernel')).toBe('weight');
    expect(kind('conv/k/Adam')).toBe('optimizer');
    expect(kind('beta1_power')).toBe('optimizer');
    expect(kind('global_step')).toBe('bookkeeping');
    // Not trainable and no optimizer reads it: the graph cannot tell, the name decides later.
    expect(kind('fc/mean')).toBeUndefined();
  });

  it('recognises the tf.compat.v1 initializers as the Keras ones drawing from the same distribution', async () => {
    const graph = await readMetaGraph(file('inits.meta'));
    const spec = (name: string): unknown[] | { why: string } => {
      const r = graph.variables.find((v) => v.name === name)!.initializer;
      if ('why' in r) return r;
      return r.spec.kind === 'keras' ? [r.spec.className, r.spec.config] : [r.spec.kind];
    };
    const cls = (name: string) => (spec(name) as unknown[])[0];
    expect(cls('glorot_n')).toBe('GlorotNormal');
    expect(cls('he_n')).toBe('HeNormal');
    expect(cls('he_u')).toBe('HeUniform');
    expect(spec('ortho')).toEqual(['Orthogonal', { gain: 2, seed: null }]);
    expect(spec('table')).toEqual(['Constant', { value: [0, 1, 2, 3, 4, 5] }]);
    expect(spec('uniform')).toEqual(['RandomUniform', { minval: Math.fround(-0.3), maxval: Math.fround(0.2), seed: null }]);
    expect(spec('normal')).toEqual(['RandomNormal', { mean: 1, stddev: 0.25, seed: null }]);
    expect(spec('filled')).toEqual(['Constant', { value: 0.25 }]);
    expect(spec('affine')).toEqual(['Constant', { value: 2 }]);
    expect(spec('count')).toEqual(['Constant', { value: 7 }]);
    expect(spec('emb')).toEqual(['Constant', { value: 2 }]);
    expect(spec('eye_1')).toEqual({ why: expect.stringMatching(/MatrixDiag/) });
    expect((await readMetaGraph(file('trained.meta'))).variables.find((v) => v.name === 'fc/kernel')!.initializer).toEqual({
      spec: { kind: 'keras', className: 'GlorotUniform', config: { seed: null } },
    });
  });

  it('keeps a partitioned variable as one tensor under its full name, with its slices', async () => {
    const graph = await readMetaGraph(file('inits.meta'));
    const emb = graph.variables.find((v) => v.name === 'emb')!;
    expect(emb.shape).toEqual([9, 2]);
    expect(emb.nodes).toEqual(['emb/part_0', 'emb/part_1', 'emb/part_2']);
    expect(emb.slices?.map((s) => [s.start, s.shape])).toEqual([[[0, 0], [3, 2]], [[3, 0], [3, 2]], [[6, 0], [3, 2]]]);
  });

  it('reads the MetaGraph of a SavedModel', async () => {
    const meta = new Uint8Array(readFileSync(join(DIR, 'inits.meta')));
    const source = memorySource('m/saved_model.pb', savedModel(meta));
    expect(await sniffMetaGraph(source)).toBe('saved-model');
    const graph = await readMetaGraph(source);
    expect(graph.kind).toBe('saved-model');
    expect(graph.variables.map((v) => v.name)).toEqual((await readMetaGraph(file('inits.meta'))).variables.map((v) => v.name));
  });
});

describe('the old side: a checkpoint with its .meta beside it', () => {
  it('claims the .meta and takes trainable, kind and consumer op from the graph', async () => {
    const files = trainedFiles();
    const [candidate] = await listCandidates(files);
    expect(candidate?.files).toContain('run/trained.meta');
    const ckpt = await openCheckpoint(files);
    expect(ckpt.files).toContain('run/trained.meta');
    const t = (name: string) => ckpt.tensors.find((x) => x.name === name)!;
    expect(t('conv/k')).toMatchObject({ trainable: true, kind: 'weight', group: 'conv', consumerOp: 'Conv2D' });
    expect(t('fc/mean')).toMatchObject({ trainable: false, kind: 'weight', consumerOp: 'Mul' });
    expect(t('fc/kernel/Adam')).toMatchObject({ trainable: false, kind: 'optimizer', group: 'optimizer' });
    expect(t('global_step')).toMatchObject({ kind: 'bookkeeping' });
    expect(ckpt.warnings).toEqual([]);
    // Values still read from the bundle.
    expect((await ckpt.readValue('fc/bias')).bytes.byteLength).toBe(12);
  });

  it('a damaged .meta costs a warning, not the checkpoint', async () => {
    const [meta, ...rest] = trainedFiles();
    const bytes = new Uint8Array(await meta!.read(0, meta!.size));
    const ckpt = await openCheckpoint([memorySource('run/trained.meta', bytes.subarray(0, 5000)), ...rest]);
    expect(ckpt.tensors.length).toBe(expected.trained.variables.length);
    expect(ckpt.tensors.every((t) => t.consumerOp === undefined)).toBe(true);
    expect(ckpt.warnings.join(' ')).toMatch(/trained\.meta/);
  });
});

describe('the new side: a graph as the new model', () => {
  it('is found by content among dropped files and opens as a tf-graph target', async () => {
    const files = [file('inits.meta', 'new/graph-without-extension')];
    const facts = await gatherDropFacts(files);
    expect(facts.checkpoints).toEqual([]);
    expect(facts.modelJsons).toEqual([{ path: 'new/graph-without-extension', kind: 'tf-graph' }]);
    const { target, checkpoint } = await openNewModel(files, { as: 'model-json', path: 'new/graph-without-extension' });
    expect(checkpoint).toBeNull();
    expect(target.source).toBe('tf-graph');
    expect(target.variables.map((v) => v.name).sort()).toEqual([...expected.inits.variables.filter((n) => !n.startsWith('emb/')), 'emb'].sort());
  });

  it('gives deterministic initial values exactly, and zeros with a warning for what it does not recognise', async () => {
    const target = targetFromMetaGraph(await readMetaGraph(file('inits.meta')));
    const f32 = async (name: string) => Array.from(new Float32Array((await target.defaultValue(name, 1)).slice().buffer));
    expect(await f32('table')).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await f32('filled')).toEqual([0.25, 0.25, 0.25, 0.25, 0.25, 0.25]);
    expect(await f32('emb')).toEqual(new Array(18).fill(2));
    expect(Array.from(new Int32Array((await target.defaultValue('count', 1)).slice().buffer))).toEqual([7]);
    expect(await f32('eye_1')).toEqual([0, 0, 0, 0]);
    expect(target.warnings).toEqual([expect.stringMatching(/^eye_1: .*MatrixDiag.*starts as zeros/)]);
    const uniform = await f32('uniform');
    expect(uniform.every((v) => v >= Math.fround(-0.3) && v <= Math.fround(0.2))).toBe(true);
    expect(new Set(uniform).size).toBeGreaterThan(1);
  });

  it('names the graph’s kinds and consumer ops on the target’s variables', async () => {
    const target = targetFromMetaGraph(await readMetaGraph(file('trained.meta')));
    const v = (name: string) => target.variables.find((x) => x.name === name)!;
    expect(v('fc/kernel')).toMatchObject({ kind: 'weight', trainable: true, consumerOp: 'MatMul', group: 'fc' });
    expect(v('beta2_power')).toMatchObject({ kind: 'optimizer', group: 'optimizer' });
    expect(v('fc/bias').initializer).toEqual({ kind: 'keras', className: 'Constant', config: { value: 0.5 } });
  });
});
