import { describe, expect, it } from 'vitest';
import { fixtureFiles, sha256 } from '../formats/fixture-rows.test-util';
import { openCheckpoint } from '../formats/registry';
import { autoMatch, emptyRecipe } from '../mapping';
import { memorySource } from '../io/byte-source';
import { tfjsTopology } from '../formats/tfjs/topology';
import { buildTarget } from '../model/target/index';
import { templateTarget } from '../formats/new-model';
import { exportCheckpoint } from './export';
import { MemoryFolder } from '../io/output';

async function identityExport(format: 'tf' | 'safetensors') {
  const old = await openCheckpoint(fixtureFiles('tf2-keras-saveweights-nighthawks'));
  const target = templateTarget(old);
  const recipe = autoMatch(old, target, emptyRecipe(), { accept: 'sure' }).recipe;
  const out = new MemoryFolder();
  const { plan } = await exportCheckpoint({ old, target, recipe, format, out, name: 'merged', incompatible: 'refuse' });
  const back = await openCheckpoint([...out.files].map(([path, bytes]) => memorySource(path, bytes)));
  return { old, plan, back, out };
}

describe('exportCheckpoint', () => {
  it('keeps the TF2 object graph in TF output: an identity export rewrites the real checkpoint byte for byte', async () => {
    const { out } = await identityExport('tf');
    const original = fixtureFiles('tf2-keras-saveweights-nighthawks');
    const index = original.find((f) => f.path.endsWith('cp-0000.ckpt.index'))!;
    const data = original.find((f) => f.path.endsWith('cp-0000.ckpt.data-00000-of-00001'))!;
    expect(sha256(out.files.get('merged.index')!)).toBe(sha256(await index.read(0, index.size)));
    expect(sha256(out.files.get('merged.data-00000-of-00001')!)).toBe(sha256(await data.read(0, data.size)));
  });

  it('leaves the TF2 object graph out of other formats, where it means nothing, and copies every weight exactly', async () => {
    const { old, plan, back } = await identityExport('safetensors');
    expect(plan.entries.map((e) => e.to)).not.toContain('_CHECKPOINTABLE_OBJECT_GRAPH');
    const weights = old.tensors.filter((t) => t.dtype !== 'string');
    expect(back.tensors.map((t) => t.name).sort()).toEqual(weights.map((t) => t.name).sort());
    for (const t of weights) expect(sha256(await back.read(t.name))).toBe(sha256(await old.read(t.name)));
  });
});

describe('exportCheckpoint to Keras legacy .h5 from a TF1 template', () => {
  it('gives top-level variables (TF1 Variable_N, no scope) a layer of their own, and reads back exactly', async () => {
    const old = await openCheckpoint(fixtureFiles('tf1-saver-houseprices').filter((f) => /(^|\/)model\.ckpt\./.test(f.path)));
    const target = templateTarget(old);
    const recipe = autoMatch(old, target, emptyRecipe(), { accept: 'sure' }).recipe;
    const out = new MemoryFolder();
    await exportCheckpoint({ old, target, recipe, format: 'keras-legacy', out, name: 'merged', incompatible: 'refuse' });
    const back = await openCheckpoint([...out.files].map(([path, bytes]) => memorySource(path, bytes)));
    const stored = back.tensors.find((t) => t.name === 'Variable_3/Variable_3/Variable_3:0');
    expect(stored, back.tensors.map((t) => t.name).join(', ')).toBeDefined();
    expect(sha256(await back.read(stored!.name))).toBe(sha256(await old.read('Variable_3')));
  });
});

describe('exportCheckpoint passes the new model topology on', () => {
  it('a Keras 3 model JSON becomes the TF.js output model.json modelTopology, in the Keras 2 form TF.js reads', async () => {
    const files = fixtureFiles('keras3-weights-h5-diabetes');
    const old = await openCheckpoint(files.filter((f) => f.path.endsWith('.h5')));
    const json = files.find((f) => f.path === 'model.json')!;
    const text = new TextDecoder().decode(await json.read(0, json.size));
    const target = await buildTarget({ text, fileName: 'model.json' });
    const recipe = autoMatch(old, target, emptyRecipe(), { accept: 'sure' }).recipe;
    const out = new MemoryFolder();
    await exportCheckpoint({ old, target, recipe, format: 'tfjs', out, name: 'merged', incompatible: 'refuse' });
    const written = JSON.parse(new TextDecoder().decode(out.files.get('model.json')!)) as { modelTopology: unknown };
    expect(written.modelTopology).toEqual(tfjsTopology(JSON.parse(text), 'model.json').topology);
    expect(written.modelTopology).toMatchObject({ model_config: { config: { name: (JSON.parse(text) as { config: { name: string } }).config.name } } });
  });
});
