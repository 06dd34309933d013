/**
 * Hostile safetensors headers (issue 17): deeply nested JSON, keys that name Object.prototype's members, huge names.
 * Each gives a typed GraftError with a short sentence, or a correct result. Every file is built here.
 */
import { describe, expect, it } from 'vitest';
import { memorySource } from '../../io/byte-source';
import { openSafetensors, openShardedSafetensors, parseSafetensorsIndex } from './read';
import { failure } from '../../errors.test-util';

/** A safetensors file from the header's JSON text as given, then `dataLength` zero bytes. */
function file(json: string, dataLength: number): Uint8Array {
  const text = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + text.length + dataLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  return out;
}

describe('hostile safetensors headers', () => {
  it('a shape nested 100,000 levels deep is a short typed error, not a stack overflow', async () => {
    const depth = 100_000;
    const shape = `${'['.repeat(depth)}1${']'.repeat(depth)}`;
    const e = await failure(openSafetensors(memorySource('deep.safetensors', file(`{"a":{"dtype":"F32","shape":${shape},"data_offsets":[0,4]}}`, 4))));
    expect([e.code, e.file]).toEqual(['corrupt', 'deep.safetensors']);
    expect(e.message).toMatch(/tensor a: shape must be a list of non-negative integers, found \[\[\[/);
    expect(e.message.length).toBeLessThan(300);
  });

  for (const dtype of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
    it(`dtype "${dtype}" is an unknown dtype, not a lookup through Object.prototype`, async () => {
      const e = await failure(openSafetensors(memorySource('p.safetensors', file(`{"a":{"dtype":"${dtype}","shape":[1],"data_offsets":[0,4]}}`, 4))));
      expect([e.code, e.message]).toEqual(['corrupt', expect.stringMatching(new RegExp(`tensor a: unknown dtype "${dtype}"`))]);
    });
  }

  it('a tensor and a metadata key named __proto__ are read as ordinary names', async () => {
    const ckpt = await openSafetensors(memorySource('p.safetensors', file('{"__metadata__":{"__proto__":"x","format":"pt"},"__proto__":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}', 2)));
    expect(ckpt.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual([['__proto__', 'uint8', [2]]]);
    expect(Object.hasOwn(ckpt.metadata, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(ckpt.metadata)).toBe(Object.prototype);
    expect(ckpt.metadata.format).toBe('pt');
    expect(await ckpt.read('__proto__')).toEqual(new Uint8Array(2));
  });

  it('a 1 MB tensor name is cut in the sentence', async () => {
    const name = 'x'.repeat(1 << 20);
    const e = await failure(openSafetensors(memorySource('n.safetensors', file(`{"${name}":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`, 4))));
    expect(e.code).toBe('corrupt');
    expect(e.message.length).toBeLessThan(500);
    expect(e.message).toMatch(/1048576 characters/);
  });

  it('a sharded index whose shards are all missing names a few of them and a count', async () => {
    const weightMap = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`t${i}`, `s${i}.safetensors`]));
    const index = parseSafetensorsIndex('m/model.safetensors.index.json', JSON.stringify({ weight_map: weightMap }));
    const e = await failure(openShardedSafetensors('m/model.safetensors.index.json', index, new Map()));
    expect(e.code).toBe('missing-file');
    expect(e.message).toMatch(/shards s0\.safetensors, s1\.safetensors, s2\.safetensors and 4997 more, which were not dropped/);
  });
});
