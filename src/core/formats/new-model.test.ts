import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { memorySource } from '../io/byte-source';
import { fixtureFiles } from './fixture-rows.test-util';
import { FIXTURES } from './tf-bundle/fixtures.test-util';
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

  it('a full-model .h5 is the model its config describes, starting from the weights it stores', async () => {
    const { target, checkpoint } = await openNewModel(fixtureFiles('keras2-h5-fullmodel-regression'), { as: 'checkpoint' });
    expect(target.source).toBe('keras-json');
    expect(target.topology).toMatchObject({ class_name: 'Sequential' });
    const weights = checkpoint!.tensors.filter((t) => t.kind === 'weight');
    expect(target.variables).toHaveLength(weights.length);
    expect(target.warnings).toEqual([]);
    for (const v of target.variables) {
      expect(v.initializer.kind, v.name).toBe('template');
      expect(v.trackablePath, v.name).toBeDefined();
      // Keras 2 stored `dense_1/kernel` under model_weights/dense_1/dense_1/kernel:0
      const stored = weights.find((t) => t.name === `model_weights/${v.name.split('/')[0]}/${v.name}:0`)!;
      expect(Buffer.from(await target.defaultValue(v.name, 0)).equals(Buffer.from((await checkpoint!.readValue(stored.name)).bytes)), v.name).toBe(true);
    }
  });

  it('a .keras archive is its model too: Keras 3 keys become the model\'s names, values from the archive', async () => {
    const dir = join(FIXTURES, 'keras3-weights-h5-diabetes');
    const archive = zipSync({ 'metadata.json': new TextEncoder().encode('{"keras_version": "3.3.3"}'), 'config.json': readFileSync(join(dir, 'model.json')), 'model.weights.h5': readFileSync(join(dir, 'model.weights.h5')) }, { level: 0 });
    const { target, checkpoint } = await openNewModel([memorySource('diabetes.keras', archive)], { as: 'checkpoint' });
    expect(target.variables.map((v) => v.name).sort()).toEqual(['dense/bias', 'dense/kernel', 'dense_1/bias', 'dense_1/kernel', 'dense_2/bias', 'dense_2/kernel']);
    const kernel = target.variables.find((v) => v.name === 'dense_1/kernel')!;
    expect(kernel.kerasPath).toBe('layers/dense_1/vars/0');
    expect(Buffer.from(await target.defaultValue(kernel.name, 0)).equals(Buffer.from((await checkpoint!.readValue('layers/dense_1/vars/0')).bytes))).toBe(true);
  });

  it('refuses a model JSON that is not among the files, naming it', async () => {
    await expect(openNewModel(fixtureFiles('keras3-weights-h5-diabetes'), { as: 'model-json', path: 'other.json' })).rejects.toThrow(/other\.json/);
  });

  it('templateTarget keeps every other format in its listed order', async () => {
    const ckpt = await openCheckpoint(fixtureFiles('keras3-weights-h5-diabetes'));
    expect(templateTarget(ckpt).variables.map((v) => v.name)).toEqual(ckpt.tensors.map((t) => t.name));
  });
});
