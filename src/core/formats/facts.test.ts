import { describe, expect, it } from 'vitest';
import { memorySource, type ByteSource } from '../io/byte-source';
import { gatherDropFacts, modelJsonIn } from './facts';
import { fixtureFiles } from './fixture-rows.test-util';

const text = (path: string, s: string) => memorySource(path, new TextEncoder().encode(s));

/** A one-tensor safetensors file written here byte by byte (not with Graft's code). */
function safetensors(path: string): ByteSource {
  const header = new TextEncoder().encode(JSON.stringify({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }));
  const bytes = new Uint8Array(8 + header.length + 8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
  bytes.set(header, 8);
  new DataView(bytes.buffer).setFloat32(8 + header.length, 1.5, true);
  return memorySource(path, bytes);
}

describe('gatherDropFacts', () => {
  it('finds the Keras 3 weights file and the model JSON beside it', async () => {
    const f = await gatherDropFacts(fixtureFiles('keras3-weights-h5-diabetes'));
    expect(f.checkpoints.map((c) => [c.format, c.id, c.alsoModel])).toEqual([['keras-h5', 'model.weights.h5', false]]);
    expect(f.modelJsons).toEqual([{ path: 'model.json', kind: 'keras-json' }]);
  });

  it('claims a TF.js model.json with its weights as a checkpoint that is also a model', async () => {
    const empty = await gatherDropFacts(fixtureFiles('tfjs-layers-adamshannag').map((s) => memorySource(s.path, new Uint8Array(0))));
    // Empty files are nothing: detection reads content, not names.
    expect(empty).toMatchObject({ checkpoints: [], modelJsons: [] });
    const real = await gatherDropFacts(fixtureFiles('tfjs-layers-adamshannag').filter((s) => s.path.startsWith('model/')));
    expect(real.checkpoints.map((c) => [c.format, c.id, c.alsoModel])).toEqual([['tfjs', 'model/model.json', true]]);
    expect(real.modelJsons).toEqual([]);
  });

  it('tells a full-model .h5 (model_config) from a weights-only .h5', async () => {
    const full = await gatherDropFacts(fixtureFiles('keras2-h5-fullmodel-regression'));
    expect(full.checkpoints.map((c) => [c.format, c.alsoModel])).toEqual([['keras-h5', true]]);
    const weights = await gatherDropFacts(fixtureFiles('keras2-h5-weights-titanic'));
    expect(weights.checkpoints.map((c) => [c.format, c.alsoModel])).toEqual([['keras-h5', false]]);
  });

  it('reads model JSONs by content: a TF.js topology without its .bin, a plain list, not other JSON', async () => {
    const tfjsJson = fixtureFiles('tfjs-layers-adamshannag').find((s) => s.path === 'model/model.json')!;
    const f = await gatherDropFacts([
      tfjsJson,
      text('vars.json', '[{"name": "dense/kernel", "shape": [3, 4], "dtype": "float32"}]'),
      text('notes.json', '{"hello": 1}'),
      text('broken.json', '{"class_name": '),
      safetensors('w.safetensors'),
    ]);
    expect(f.modelJsons).toEqual([
      { path: 'model/model.json', kind: 'tfjs-layers' },
      { path: 'vars.json', kind: 'list' },
    ]);
    expect(f.checkpoints.map((c) => c.format)).toEqual(['safetensors']);
  });
});

describe('modelJsonIn: which file is the new model, by content', () => {
  it('a named Keras model JSON beside a weights file is the new model; the weights file named is not', async () => {
    const f = await gatherDropFacts(fixtureFiles('keras3-weights-h5-diabetes'), { alsoModel: false });
    expect(modelJsonIn(f, 'model.json')).toEqual({ path: 'model.json', kind: 'keras-json' });
    expect(modelJsonIn(f, 'model.weights.h5')).toBeNull();
    // Nothing named (a folder): the model JSON before the checkpoint, as the page's new slot takes it.
    expect(modelJsonIn(f)).toEqual({ path: 'model.json', kind: 'keras-json' });
  });

  it('a TF.js model.json with its weights is a checkpoint (a template), whatever its name says', async () => {
    const f = await gatherDropFacts(fixtureFiles('tfjs-layers-adamshannag').filter((s) => s.path.startsWith('model/')), { alsoModel: false });
    expect(f.checkpoints.map((c) => c.id)).toEqual(['model/model.json']);
    expect(modelJsonIn(f, 'model/model.json')).toBeNull();
  });

  it('a model JSON is found by its content, named .txt; a checkpoint file is not one', async () => {
    const list = text('vars.txt', '[{"name": "w", "shape": [2], "dtype": "float32"}]');
    const f = await gatherDropFacts([list, safetensors('w.safetensors')], { alsoModel: false });
    expect(modelJsonIn(f, 'vars.txt')).toEqual({ path: 'vars.txt', kind: 'list' });
    expect(modelJsonIn(f, 'w.safetensors')).toBeNull();
  });
});
