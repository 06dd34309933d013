import { describe, expect, it } from 'vitest';
import { memorySource } from '../core/io/byte-source';
import { gatherDropFacts } from '../core/formats/facts';
import { type DropFacts, type Occupancy, type SlotId, classifyDrop, sourceForSlot } from './route';
import { fixtureFiles } from '../core/formats/fixture-rows.test-util';
import { checkpointHistories } from './histories';

const EMPTY: Record<SlotId, Occupancy> = { old: 'empty', new: 'empty' };
const text = (path: string, s: string) => memorySource(path, new TextEncoder().encode(s));

const facts = (f: Partial<DropFacts>): DropFacts => ({ files: [], checkpoints: [], modelJsons: [], ...f });
const ckpt = (id: string, alsoModel = false, files = [id]) => ({ id, format: 'tf-bundle' as const, label: id, files, isDefault: true, alsoModel });

describe('classifyDrop', () => {
  it('sends a checkpoint to old and a model JSON to new when dropped together', async () => {
    const r = classifyDrop(await gatherDropFacts(fixtureFiles('keras3-weights-h5-diabetes')), EMPTY);
    expect(r).toEqual({
      kind: 'route',
      plan: {
        old: { as: 'checkpoint', files: ['expected.jsonl', 'model.weights.h5'], candidateId: 'model.weights.h5' },
        new: { as: 'model-json', files: ['model.json'], path: 'model.json' },
      },
    });
  });

  it('sends a model JSON alone to new, whatever the slots hold', () => {
    const f = facts({ files: ['m.json'], modelJsons: [{ path: 'm.json', kind: 'keras-json' }] });
    for (const old of ['empty', 'example', 'files'] as const) {
      expect(classifyDrop(f, { old, new: 'files' })).toEqual({ kind: 'route', plan: { new: { as: 'model-json', files: ['m.json'], path: 'm.json' } } });
    }
  });

  it('sends a weights-only checkpoint to old, and asks when the person’s checkpoint is in old and new is free', () => {
    const f = facts({ files: ['a.index', 'a.data-00000-of-00001'], checkpoints: [ckpt('a', false, ['a.index', 'a.data-00000-of-00001'])] });
    const old = { as: 'checkpoint', files: ['a.index', 'a.data-00000-of-00001'], candidateId: 'a' };
    expect(classifyDrop(f, EMPTY)).toEqual({ kind: 'route', plan: { old } });
    // The built-in example is replaced without asking.
    expect(classifyDrop(f, { old: 'example', new: 'empty' })).toEqual({ kind: 'route', plan: { old } });
    expect(classifyDrop(f, { old: 'files', new: 'files' })).toEqual({ kind: 'route', plan: { old } });
    const asked = classifyDrop(f, { old: 'files', new: 'empty' });
    expect(asked.kind).toBe('ask');
    if (asked.kind !== 'ask') return;
    expect(asked.options).toEqual({ old: { old }, new: { new: old }, both: { old, new: old } });
    expect(asked.reason).toMatch(/old slot already holds/);
  });

  it('asks about a checkpoint that is also a model, even with both slots free', async () => {
    const tfjs = classifyDrop(await gatherDropFacts(fixtureFiles('tfjs-layers-adamshannag')), EMPTY);
    expect(tfjs).toMatchObject({ kind: 'ask', subject: 'model/model.json (TF.js model with its weights)' });
    if (tfjs.kind === 'ask') expect(tfjs.options.new.new).toMatchObject({ as: 'checkpoint', candidateId: 'model/model.json' });
    const h5 = classifyDrop(await gatherDropFacts(fixtureFiles('keras2-h5-fullmodel-regression')), EMPTY);
    expect(h5).toMatchObject({ kind: 'ask', subject: 'my_model.h5 (Keras HDF5 file)' });
  });

  it('keeps one model’s saves together behind the picker when a checkpoint state file names them', () => {
    const f = facts({
      files: ['run/checkpoint', 'run/m-1.index', 'run/m-2.index'],
      checkpoints: [{ ...ckpt('run/m-1'), isDefault: false, files: ['run/m-1.index'] }, { ...ckpt('run/m-2'), files: ['run/m-2.index'] }],
    });
    const r = classifyDrop(f, EMPTY, [{ state: 'run/checkpoint', ids: ['run/m-2', 'run/m-1'] }]);
    expect(r).toEqual({ kind: 'route', plan: { old: { as: 'checkpoint', files: f.files, candidateId: 'run/m-2' } } });
  });

  it('asks once, per model, about two TF checkpoints with different prefixes (the state file names only one)', async () => {
    const files = fixtureFiles('tf1-saver-houseprices');
    const f = await gatherDropFacts(files);
    const r = classifyDrop(f, EMPTY, await checkpointHistories(files, f.checkpoints));
    expect(r.kind).toBe('pair');
    if (r.kind !== 'pair') return;
    expect(r.models.map((m) => [m.label, m.suggested])).toEqual([
      ['model.ckpt (TensorFlow checkpoint)', 'old'],
      ['model_longtrain.ckpt (TensorFlow checkpoint)', 'new'],
    ]);
    // The named prefix keeps its state file; each model opens only its own files.
    expect(r.models[0]!.old).toEqual({ as: 'checkpoint', files: ['checkpoint', 'model.ckpt.index', 'model.ckpt.data-00000-of-00001', 'model.ckpt.meta'], candidateId: 'model.ckpt' });
    expect(r.models[1]!.new).toMatchObject({ as: 'checkpoint', candidateId: 'model_longtrain.ckpt' });
    expect(r.models[1]!.new.files).not.toContain('checkpoint');
  });

  it('suggests where each model goes from before/after folder names and a model JSON’s place in new', () => {
    const f = facts({
      files: ['after/w.h5', 'before/w.h5'],
      checkpoints: [{ ...ckpt('after/w.h5'), format: 'keras-h5' }, { ...ckpt('before/w.h5'), format: 'keras-h5', isDefault: false }],
    });
    const r = classifyDrop(f, EMPTY);
    expect(r.kind === 'pair' && r.models.map((m) => [m.label, m.suggested])).toEqual([
      ['after/w.h5 (Keras HDF5 file)', 'new'],
      ['before/w.h5 (Keras HDF5 file)', 'old'],
    ]);
    const withJson = facts({
      files: ['a.h5', 'b.keras', 'm.json'],
      checkpoints: [{ ...ckpt('a.h5'), format: 'keras-h5' }, { ...ckpt('b.keras', true), format: 'keras', isDefault: false }],
      modelJsons: [{ path: 'm.json', kind: 'keras-json' }],
    });
    const r2 = classifyDrop(withJson, EMPTY);
    expect(r2.kind === 'pair' && r2.models.map((m) => [m.label, m.suggested, m.old !== undefined])).toEqual([
      ['a.h5 (Keras HDF5 file)', 'old', true],
      ['b.keras (Keras .keras archive)', 'none', true],
      ['m.json (model JSON)', 'new', false],
    ]);
  });

  it('never says the new slot is empty while it holds the example', () => {
    const f = facts({ files: ['a.index'], checkpoints: [ckpt('a', false, ['a.index'])] });
    const asked = classifyDrop(f, { old: 'files', new: 'example' });
    expect(asked.kind === 'ask' && asked.reason).toMatch(/new slot holds only the built-in example/);
  });

  it('routes nothing when nothing is recognised', async () => {
    expect(classifyDrop(await gatherDropFacts([text('notes.txt', 'hello')]), EMPTY)).toEqual({ kind: 'none' });
  });
});

describe('sourceForSlot', () => {
  const both = facts({ files: ['w.h5', 'm.json'], checkpoints: [ckpt('w.h5')], modelJsons: [{ path: 'm.json', kind: 'keras-json' }] });
  it('gives the old slot the checkpoint and the new slot the model JSON', () => {
    expect(sourceForSlot(both, 'old')).toEqual({ as: 'checkpoint', files: ['w.h5'], candidateId: 'w.h5' });
    expect(sourceForSlot(both, 'new')).toEqual({ as: 'model-json', files: ['m.json'], path: 'm.json' });
  });
  it('uses a checkpoint as the new model’s template when no model JSON was dropped', () => {
    expect(sourceForSlot(facts({ files: ['w.h5'], checkpoints: [ckpt('w.h5')] }), 'new')).toEqual({ as: 'checkpoint', files: ['w.h5'], candidateId: 'w.h5' });
  });
  it('has nothing for the old slot in a model JSON alone', () => {
    expect(sourceForSlot(facts({ files: ['m.json'], modelJsons: [{ path: 'm.json', kind: 'list' }] }), 'old')).toBeNull();
  });
});
