import h5wasm from 'h5wasm';
import { describe, expect, it } from 'vitest';
import { GraftError } from '../../errors';
import { memorySource } from '../../io/byte-source';
import { fixtureFiles, sha256 } from '../fixture-rows.test-util';
import { zip } from '../../io/zip.test-util';
import { listCandidates, openCheckpoint } from '../registry';
import type { KerasH5Checkpoint } from './read';
import { h5 } from './h5-builder.test-util';


describe('Keras HDF5 layouts built with h5wasm', () => {
  it('Keras 3 nested layers, bfloat16 by attribute, other dtypes', async () => {
    const bytes = await h5((f) => {
      f.create_group('layers');
      f.create_group('layers/functional');
      f.create_group('layers/functional/layers');
      f.create_group('layers/functional/layers/dense');
      f.create_group('layers/functional/layers/dense/vars');
      f.get('layers/functional/layers/dense/vars')!;
      const vars = f.get('layers/functional/layers/dense/vars') as InstanceType<typeof h5wasm.Group>;
      vars.create_dataset({ name: '0', data: new Uint16Array([0x3f80, 0x4000, 0xbf80, 0]), shape: [2, 2], dtype: '<H' });
      (vars.get('0') as InstanceType<typeof h5wasm.Dataset>).create_attribute('dtype', 'bfloat16');
      vars.create_dataset({ name: '1', data: new Float64Array([1, 2]), shape: [2], dtype: '<d' });
      vars.create_dataset({ name: '10', data: new Int8Array([1, -1]), shape: [2], dtype: '<b' });
      vars.create_dataset({ name: '2', data: new Uint32Array([7]), shape: [1], dtype: '<I' });
      f.create_group('optimizer');
      f.create_group('optimizer/vars');
      (f.get('optimizer/vars') as InstanceType<typeof h5wasm.Group>).create_dataset({ name: '0', data: new BigInt64Array([5n]), shape: [], dtype: '<q' });
    });
    const file = memorySource('model.weights.h5', bytes);
    const ckpt = (await openCheckpoint([file])) as KerasH5Checkpoint;
    expect(ckpt.layout).toBe('keras3-weights');
    expect(ckpt.tensors.map((t) => [t.name, t.dtype, t.shape, t.layer, t.weightIndex, t.kind])).toEqual([
      ['layers/functional/layers/dense/vars/0', 'bfloat16', [2, 2], 'dense', 0, 'weight'],
      ['layers/functional/layers/dense/vars/1', 'float64', [2], 'dense', 1, 'weight'],
      ['layers/functional/layers/dense/vars/2', 'uint32', [1], 'dense', 2, 'weight'],
      ['layers/functional/layers/dense/vars/10', 'int8', [2], 'dense', 10, 'weight'],
      ['optimizer/vars/0', 'int64', [], undefined, 0, 'optimizer'],
    ]);
    expect(await ckpt.read('layers/functional/layers/dense/vars/0')).toEqual(new Uint8Array(new Uint16Array([0x3f80, 0x4000, 0xbf80, 0]).buffer));
    expect(await ckpt.read('optimizer/vars/0')).toEqual(new Uint8Array(new BigInt64Array([5n]).buffer));
    ckpt.close();
  });

  it('legacy layout with split layer_names0/1 and weight_names attributes', async () => {
    const bytes = await h5((f) => {
      f.create_attribute('layer_names0', ['b_layer'], null, 'S7');
      f.create_attribute('layer_names1', ['a_layer'], null, 'S7');
      for (const l of ['a_layer', 'b_layer']) {
        f.create_group(l);
        const g = f.get(l) as InstanceType<typeof h5wasm.Group>;
        g.create_attribute('weight_names', [`${l}/kernel`, `${l}/bias`], null, 'S14');
        g.create_group(l);
        const inner = g.get(l) as InstanceType<typeof h5wasm.Group>;
        inner.create_dataset({ name: 'bias', data: new Float32Array([1]), shape: [1], dtype: '<f' });
        inner.create_dataset({ name: 'kernel', data: new Float32Array([1, 2]), shape: [2, 1], dtype: '<f' });
      }
      f.create_dataset({ name: 'stray', data: new Float32Array([3]), shape: [1], dtype: '<f' });
    });
    const ckpt = (await openCheckpoint([memorySource('w.h5', bytes)])) as KerasH5Checkpoint;
    expect(ckpt.layout).toBe('keras-legacy');
    expect(ckpt.tensors.map((t) => [t.name, t.layer, t.weightIndex])).toEqual([
      ['b_layer/b_layer/kernel', 'b_layer', 0],
      ['b_layer/b_layer/bias', 'b_layer', 1],
      ['a_layer/a_layer/kernel', 'a_layer', 0],
      ['a_layer/a_layer/bias', 'a_layer', 1],
      ['stray', undefined, undefined],
    ]);
  });
});

describe('.keras archive', () => {
  const config = JSON.stringify({ module: 'keras', class_name: 'Sequential', config: { name: 'sequential', layers: [] } });
  for (const deflate of [false, true]) {
    it(`reads model.weights.h5 ${deflate ? 'deflated' : 'stored'} inside the zip, and exposes config.json`, async () => {
      const [weights] = fixtureFiles('keras3-weights-h5-churn').filter((f) => f.path === 'model.weights.h5');
      const h5bytes = await weights!.read(0, weights!.size);
      const archive = zip(
        [
          ['metadata.json', new TextEncoder().encode('{"keras_version": "3.4.1"}')],
          ['config.json', new TextEncoder().encode(config)],
          ['model.weights.h5', h5bytes],
        ],
        deflate,
      );
      const file = memorySource('churn.keras', archive);
      expect((await listCandidates([file])).map((c) => [c.format, c.id])).toEqual([['keras', 'churn.keras']]);
      const ckpt = (await openCheckpoint([file])) as KerasH5Checkpoint;
      expect(ckpt.format).toBe('keras');
      expect(ckpt.modelConfig).toBe(config);
      expect(ckpt.tensors).toHaveLength(20);
      const direct = (await openCheckpoint([weights!])) as KerasH5Checkpoint;
      for (const t of direct.tensors) expect(sha256(await ckpt.read(t.name))).toBe(sha256(await direct.read(t.name)));
      ckpt.close();
      direct.close();
    });
  }

  it('a .keras zip without model.weights.h5 is not a Keras candidate', async () => {
    const file = memorySource('x.keras', zip([['config.json', new TextEncoder().encode(config)]], false));
    expect(await listCandidates([file])).toEqual([]);
    const err = await openCheckpoint([file]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraftError);
  });
});

describe('Keras HDF5 structure h5wasm cannot walk', () => {
  it('is a typed error naming the file, not an internal failure', async () => {
    const bytes = await h5((f) => {
      f.create_attribute('layer_names', ['dense', ''], null, 'S');
      f.create_group('dense');
      (f.get('dense') as InstanceType<typeof h5wasm.Group>).create_attribute('weight_names', ['dense/kernel:0'], null, 'S');
    });
    const error = await openCheckpoint([memorySource('broken.h5', bytes)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraftError);
    expect((error as GraftError).code).toBe('corrupt');
    expect((error as GraftError).message).toMatch(/^broken\.h5: the HDF5 structure could not be read as Keras weights \(.*empty string\)/);
  });
});
