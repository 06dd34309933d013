import { describe, expect, it } from 'vitest';
import { memorySource } from '../core/io/byte-source';
import { gatherDropFacts } from '../core/formats/facts';
import { type DropFacts, type Occupancy, type SlotId, classifyDrop, sourceForSlot } from './route';
import { fixtureFiles } from '../core/formats/fixture-rows.test-util';

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

  it('keeps the registry’s default among several checkpoints, with every file for the candidate picker', async () => {
    const f = await gatherDropFacts(fixtureFiles('tf1-saver-houseprices'));
    expect(f.checkpoints.length).toBe(2);
    const r = classifyDrop(f, EMPTY);
    expect(r.kind === 'route' && r.plan.old).toMatchObject({ as: 'checkpoint', candidateId: f.checkpoints.find((c) => c.isDefault)!.id });
    expect(r.kind === 'route' && r.plan.old?.files).toEqual(f.files);
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
