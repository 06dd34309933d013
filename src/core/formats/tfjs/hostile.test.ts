/**
 * Hostile TF.js models (issue 17): dtypes that name Object.prototype's members, topologies nested past the call
 * stack, manifests that list many weights past the end of their files. Every model is built here.
 */
import { describe, expect, it } from 'vitest';
import { memorySource } from '../../io/byte-source';
import { openCheckpoint } from '../registry';
import { tfjsModel } from './builders.test-util';
import { parseModelJson, trainableLayers } from './manifest';
import { openTfjs } from './read';
import { failure } from '../../errors.test-util';

describe('hostile TF.js models', () => {
  for (const dtype of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    it(`dtype "${dtype}" is an unsupported dtype, not a lookup through Object.prototype`, async () => {
      const e = await failure(openCheckpoint(tfjsModel([{ name: 'w', shape: [1], dtype, bytes: new Uint8Array(4) }])));
      expect([e.code, e.file]).toEqual(['unsupported', 'm/model.json']);
      expect(e.message).toMatch(new RegExp(`weight w has dtype ${dtype}, which TF.js weights do not use`));
    });
  }

  it('a layers-model topology nested 100,000 levels deep is a typed error, not a stack overflow', async () => {
    const depth = 100_000;
    const text = `{"format":"layers-model","modelTopology":${'['.repeat(depth)}${']'.repeat(depth)},"weightsManifest":[{"paths":["a.bin"],"weights":[{"name":"w","shape":[1],"dtype":"float32"}]}]}`;
    const model = parseModelJson('m/model.json', text)!;
    const e = await failure(openTfjs('m/model.json', model, [[memorySource('m/a.bin', new Uint8Array(4))]]));
    expect([e.code, e.file]).toEqual(['corrupt', 'm/model.json']);
    expect(e.message).toMatch(/the model topology nests deeper than/);
  });

  it('layers nested 100,000 models deep: trainability is walked without recursion', () => {
    let layer: unknown = { class_name: 'Dense', config: { name: 'inner', trainable: true } };
    for (let i = 0; i < 100_000; i++) layer = { class_name: 'Sequential', config: { name: `s${i}`, trainable: i !== 5, layers: [layer] } };
    const layers = trainableLayers(layer);
    expect(layers.size).toBe(100_001);
    expect(layers.get('s99999')).toBe(true);
    expect(layers.get('s5')).toBe(false);
    expect(layers.get('inner')).toBe(false); // inside s5
  });

  it('20,000 weights past the end of a 4-byte file: one warning line, each weight unreadable with a reason', async () => {
    const weights = Array.from({ length: 20_000 }, (_, i) => ({ name: `w${i}`, shape: [1], dtype: 'float32' }));
    const text = JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [{ paths: ['a.bin'], weights }] });
    const ckpt = await openCheckpoint([memorySource('m/model.json', new TextEncoder().encode(text)), memorySource('m/a.bin', new Uint8Array(4))]);
    expect(ckpt.tensors).toHaveLength(20_000);
    expect(ckpt.warnings).toEqual([expect.stringMatching(/^19999 weights lie past the end of their weight files — reading them will fail: w1 needs bytes 4\.\.8 of a\.bin/)]);
    expect(ckpt.unreadable!('w7')).toMatch(/bytes 28\.\.32 lie past the end of a\.bin/);
    await expect(ckpt.read('w7')).rejects.toMatchObject({ code: 'truncated' });
  });

  it('a shape claiming 2^60 elements is listed with a warning and refused on reading, nothing allocated', async () => {
    const text = JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [{ paths: ['a.bin'], weights: [{ name: 'w', shape: [2 ** 30, 2 ** 30], dtype: 'float32' }] }] });
    const ckpt = await openCheckpoint([memorySource('m/model.json', new TextEncoder().encode(text)), memorySource('m/a.bin', new Uint8Array(4))]);
    expect(ckpt.warnings).toHaveLength(1);
    await expect(ckpt.read('w')).rejects.toMatchObject({ code: 'truncated' });
  });
});
