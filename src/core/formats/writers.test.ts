import { describe, expect, it } from 'vitest';
import { MemoryFolder } from '../io/output';
import { memorySource } from '../io/byte-source';
import { ELEMENT_SIZE, elementCount, type DType } from '../model/dtypes';
import type { TargetModel, TargetVariable } from '../model/target-model';
import { sha256, storedName } from './fixture-rows.test-util';
import { tfjsStorage } from './tfjs/dtypes';
import { openCheckpoint } from './registry';
import { OUTPUT_FORMATS, createWriter, outputFileName } from './writers';

const spec: [string, DType, number[], string, number][] = [
  ['dense/kernel', 'float32', [3, 4], 'dense', 0],
  ['dense/bias', 'float32', [4], 'dense', 1],
  ['embed/embeddings', 'float16', [5, 2], 'embed', 0],
  ['norm/gamma', 'bfloat16', [4], 'norm', 0],
  ['norm/moving_mean', 'float64', [4], 'norm', 1],
  ['counter/step', 'int64', [], 'counter', 0],
  ['counter/ids', 'int32', [2, 2], 'counter', 1],
  ['mask/bits', 'uint8', [6], 'mask', 0],
  ['mask/flags', 'bool', [3], 'mask', 1],
];

const WIDENED = {
  dtype: 'float32' as DType,
  convert: (b: Uint8Array) => Uint8Array.from({ length: b.length * 2 }, (_, i) => (i % 4 < 2 ? 0 : b[(i >> 2) * 2 + (i % 4) - 2]!)),
};

function target(keep: (dtype: DType) => boolean = () => true): TargetModel {
  const variables: TargetVariable[] = spec.filter(([, dtype]) => keep(dtype)).map(([name, dtype, shape, layer, weightIndex]) => ({
    name, dtype, shape, byteLength: elementCount(shape) * ELEMENT_SIZE[dtype], kind: 'weight', group: layer,
    initializer: { kind: 'zeros' }, layer, weightIndex, kerasPath: `layers/${layer}/vars/${weightIndex}`,
  }));
  return { source: 'list', label: 'small', variables, warnings: [], defaultValue: async () => new Uint8Array(0) };
}

// int64 values stay within int32 (the high bytes zero), which TF.js output requires.
const bytesOf = (v: TargetVariable, seed: number) =>
  Uint8Array.from({ length: v.byteLength }, (_, i) => (v.dtype === 'bool' ? (i + seed) & 1 : v.dtype === 'int64' && i % 8 >= 3 ? 0 : (i * 53 + seed * 7) & 255));

describe('createWriter: every format writes the same small multi-dtype model and reads back equal bytes', () => {
  for (const format of OUTPUT_FORMATS) {
    it(format, async () => {
      const t = target();
      const out = new MemoryFolder();
      const w = await createWriter(format, { out, target: t, name: 'merged' });
      const order = w.order ?? t.variables.map((v) => v.name);
      for (const name of [...order].reverse()) {
        const v = t.variables.find((x) => x.name === name)!;
        await w.add({ name, dtype: v.dtype, shape: v.shape, bytes: bytesOf(v, t.variables.indexOf(v)) });
      }
      await w.finish();
      expect([...out.files.keys()]).toContain(outputFileName(format, 'merged'));
      const back = await openCheckpoint([...out.files].map(([p, b]) => memorySource(p, b)));
      expect(back.warnings).toEqual([]);
      expect(back.tensors).toHaveLength(t.variables.length);
      for (const [i, v] of t.variables.entries()) {
        const got = back.tensors.find((x) => x.name === storedName(format, v));
        expect(got, `${format}: ${v.name}`).toBeDefined();
        expect(w.storedKeys.get(v.name), `${format}: the key the writer reports for ${v.name}`).toBe(got!.name);
        // TF.js stores what it cannot decode as the converter does (float16 as float16-quantized float32, same bytes);
        // legacy Keras .h5 stores bfloat16 as float32, which Keras' legacy loader can read (see keras-h5/write.ts).
        const stored = format === 'tfjs' ? tfjsStorage(v.dtype, v.name, '')! : format === 'keras-legacy' && v.dtype === 'bfloat16' ? WIDENED : null;
        expect([got!.dtype, got!.shape]).toEqual([stored?.dtype ?? v.dtype, v.shape]);
        const bytes = stored?.convert ? stored.convert(bytesOf(v, i), v.name, '') : bytesOf(v, i);
        expect(sha256(await back.read(got!.name))).toBe(sha256(bytes));
      }
      back.close?.();
    });
  }
});

describe('createWriter with maxShardBytes', () => {
  for (const format of ['tf', 'safetensors'] as const) {
    it(`${format}: several files, read back equal`, async () => {
      const t = target();
      const out = new MemoryFolder();
      const w = await createWriter(format, { out, target: t, name: 'merged', maxShardBytes: 40 });
      for (const name of w.order ?? t.variables.map((v) => v.name)) {
        const v = t.variables.find((x) => x.name === name)!;
        await w.add({ name, dtype: v.dtype, shape: v.shape, bytes: bytesOf(v, t.variables.indexOf(v)) });
      }
      await w.finish();
      const pattern = format === 'tf' ? /^merged\.data-\d{5}-of-\d{5}$/ : /^merged-\d{5}-of-\d{5}\.safetensors$/;
      expect([...out.files.keys()].filter((p) => pattern.test(p)).length).toBeGreaterThan(1);
      const back = await openCheckpoint([...out.files].map(([p, b]) => memorySource(p, b)));
      for (const [i, v] of t.variables.entries()) {
        expect(w.storedKeys.get(v.name), v.name).toBe(storedName(format, v));
        expect(sha256(await back.read(storedName(format, v))), v.name).toBe(sha256(bytesOf(v, i)));
      }
    });
  }

  it('refuses it for a format that does not shard', async () => {
    await expect(createWriter('keras', { out: new MemoryFolder(), target: target(), name: 'm', maxShardBytes: 40 })).rejects.toThrow(/applies to tf and safetensors outputs, not keras/);
  });
});
