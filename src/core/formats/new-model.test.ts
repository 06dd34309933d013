import { describe, expect, it } from 'vitest';
import { fixtureFiles } from './fixture-rows.test-util';
import { openNewModel, templateTarget } from './new-model';
import { openCheckpoint } from './registry';
import type { TfBundleCheckpoint } from './tf-bundle/bundle';

describe('openNewModel', () => {
  it('a TF2 checkpoint as template: its variables in storage order (object-graph order, not key order)', async () => {
    const files = fixtureFiles('tf2-keras-saveweights-nighthawks');
    const { target, checkpoint, candidates, candidateId } = await openNewModel(files, { as: 'checkpoint' });
    expect(checkpoint?.format).toBe('tf-bundle');
    expect(candidates.map((c) => c.id)).toContain(candidateId);
    const names = target.variables.map((v) => v.name);
    expect(names.length).toBe(checkpoint!.tensors.length);
    const bundle = checkpoint as TfBundleCheckpoint;
    const at = names.map((n) => bundle.entry(n)!).map((e) => e.shardId * 2 ** 40 + e.offset);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    // The order matters: key order differs here, and an identity export must follow storage order.
    expect(names).not.toEqual([...names].sort());
    expect(target.variables.every((v) => v.initializer.kind === 'template')).toBe(true);
  });

  it('a model JSON: built with its initializers, no template', async () => {
    const files = fixtureFiles('keras3-weights-h5-diabetes');
    const { target, checkpoint, candidates } = await openNewModel(files, { as: 'model-json', path: 'model.json' });
    expect(checkpoint).toBeNull();
    expect(candidates).toEqual([]);
    expect(target.source).toBe('keras-json');
    expect(target.variables.map((v) => v.name)).toEqual(['dense/kernel', 'dense/bias', 'dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias']);
    expect(target.variables[0]!.initializer).toMatchObject({ kind: 'keras', className: 'GlorotUniform' });
  });

  it('a full-model .h5 as template carries its stored model config as the topology the writers need', async () => {
    const { target } = await openNewModel(fixtureFiles('keras2-h5-fullmodel-regression'), { as: 'checkpoint' });
    expect(target.source).toBe('checkpoint');
    expect(target.topology).toMatchObject({ class_name: 'Sequential' });
  });

  it('refuses a model JSON that is not among the files, naming it', async () => {
    await expect(openNewModel(fixtureFiles('keras3-weights-h5-diabetes'), { as: 'model-json', path: 'other.json' })).rejects.toThrow(/other\.json/);
  });

  it('templateTarget keeps every other format in its listed order', async () => {
    const ckpt = await openCheckpoint(fixtureFiles('keras3-weights-h5-diabetes'));
    expect(templateTarget(ckpt).variables.map((v) => v.name)).toEqual(ckpt.tensors.map((t) => t.name));
  });
});
