import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { MemoryFolder, type OutputTensor } from '../../io/output';
import { GraftError } from '../../errors';
import type { DType } from '../../model/dtypes';
import { memoryHandler } from './memory-handler.test-util';
import { createTfjsWriter } from './write';

const le = (dtype: 'int64' | 'uint64', values: bigint[]) => {
  const b = new Uint8Array(values.length * 8);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => (dtype === 'int64' ? v.setBigInt64(i * 8, x, true) : v.setBigUint64(i * 8, x, true)));
  return b;
};
const u16 = (values: number[]) => new Uint8Array(Uint16Array.from(values).buffer);
const t = (name: string, dtype: DType, shape: number[], bytes: Uint8Array): OutputTensor => ({ name, dtype, shape, bytes });

async function write(tensors: OutputTensor[]) {
  const out = new MemoryFolder();
  const w = await createTfjsWriter({ out, tensors });
  for (const x of tensors) await w.add(x);
  await w.finish();
  const artifacts = await memoryHandler(out.files, 'model.json').load!();
  return { notes: w.notes ?? [], specs: artifacts.weightSpecs!, decoded: tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!) };
}

describe('TF.js output of dtypes tf.io.decodeWeights does not decode', () => {
  it('int64, bfloat16, float64, int8/uint16, complex128 and a resource handle: converted or left out, each noted', async () => {
    const { notes, specs, decoded } = await write([
      t('global_step', 'int64', [], le('int64', [123456n])),
      t('ids', 'int64', [3], le('int64', [-2147483648n, 0n, 2147483647n])),
      // bfloat16 bits of 1.5, -2, 3.140625 (the nearest bfloat16 to pi), and the smallest normal 2^-126
      t('dense/kernel', 'bfloat16', [2, 2], u16([0x3fc0, 0xc000, 0x4049, 0x0080])),
      t('dense/bias', 'float64', [2], new Uint8Array(Float64Array.from([0.1, -1e10]).buffer)),
      t('small', 'int8', [3], new Uint8Array(Int8Array.from([-128, 0, 127]).buffer)),
      t('wide', 'uint16', [2], u16([0, 65535])),
      t('z', 'complex128', [1], new Uint8Array(Float64Array.from([0.5, -0.25]).buffer)),
      t('handle', 'resource', [], new Uint8Array(0)),
    ]);
    expect(specs.map((s) => [s.name, s.dtype])).toEqual([
      ['global_step', 'int32'], ['ids', 'int32'], ['dense/kernel', 'float32'], ['dense/bias', 'float32'],
      ['small', 'int32'], ['wide', 'int32'], ['z', 'complex64'],
    ]);
    expect(decoded.global_step!.arraySync()).toBe(123456);
    expect(Array.from(decoded.ids!.dataSync())).toEqual([-2147483648, 0, 2147483647]);
    expect(Array.from(decoded['dense/kernel']!.dataSync())).toEqual([1.5, -2, 3.140625, 2 ** -126]);
    expect(Array.from(decoded['dense/bias']!.dataSync())).toEqual([Math.fround(0.1), Math.fround(-1e10)]);
    expect(Array.from(decoded.small!.dataSync())).toEqual([-128, 0, 127]);
    expect(Array.from(decoded.wide!.dataSync())).toEqual([0, 65535]);
    expect(Array.from(tf.real(decoded.z!).dataSync())).toEqual([0.5]);
    expect(Array.from(tf.imag(decoded.z!).dataSync())).toEqual([-0.25]);
    expect(decoded.handle).toBeUndefined();
    expect(notes).toEqual([
      'global_step, ids: int64 stored as int32 (TF.js has no int64; every value fits)',
      'dense/kernel: bfloat16 stored as float32 (TF.js has no bfloat16; the values are unchanged)',
      'dense/bias: float64 rounded to float32 (TF.js has no float64)',
      'small: int8 stored as int32 (TF.js has no int8)',
      'wide: uint16 stored as int32 (TF.js has no uint16)',
      'z: complex128 rounded to complex64 (TF.js has no complex128)',
      'handle: left out (a resource handle, which TF.js weights cannot hold)',
    ]);
  });

  it('many weights of one kind make one note that counts them', async () => {
    const tensors = Array.from({ length: 5 }, (_, i) => t(`layer${i}/kernel`, 'bfloat16', [1], u16([0x3f80])));
    const { notes } = await write(tensors);
    expect(notes).toEqual(['5 weights (layer0/kernel, layer1/kernel, layer2/kernel, ...): bfloat16 stored as float32 (TF.js has no bfloat16; the values are unchanged)']);
  });

  it('an int64 (or uint32) value beyond int32 is a GraftError naming the variable and the value', async () => {
    for (const [dtype, bytes, value] of [
      ['int64', le('int64', [5n, 2n ** 31n]), '2147483648'],
      ['int64', le('int64', [-(2n ** 40n)]), '-1099511627776'],
      ['uint32', new Uint8Array(Uint32Array.from([4294967295]).buffer), '4294967295'],
    ] as const) {
      const x = t('global_step', dtype, [bytes.byteLength / (dtype === 'int64' ? 8 : 4)], bytes);
      const w = await createTfjsWriter({ out: new MemoryFolder(), tensors: [x] });
      const err = await w.add(x).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GraftError);
      expect((err as GraftError).message).toContain(`global_step holds ${value}`);
      expect((err as GraftError).message).toContain(`TF.js has no ${dtype}`);
    }
  });

  it('float8 weights are refused up front (TF.js has none and Graft does not widen them)', async () => {
    await expect(createTfjsWriter({ out: new MemoryFolder(), tensors: [{ name: 'q', dtype: 'float8_e4m3fn', shape: [2] }] })).rejects.toThrow(/q has dtype float8_e4m3fn/);
  });
});
