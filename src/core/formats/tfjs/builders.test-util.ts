/** Tests only: a TF.js model by hand — model.json and one weight file, little-endian, strings as u32 length + bytes. */
import { memorySource, type ByteSource } from '../../io/byte-source';

export interface TfjsWeight {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number };
  /** The bytes as stored. */
  bytes: Uint8Array;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
}

/** A string weight's stored bytes: per element, a little-endian uint32 byte length, then the UTF-8 bytes. */
export function tfjsStrings(xs: readonly string[]): Uint8Array {
  return concatBytes(xs.flatMap((s) => {
    const b = new TextEncoder().encode(s);
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, b.length, true);
    return [len, b];
  }));
}

/** `dir/model.json` and `dir/group1-shard1of1.bin` holding the weights back to back. */
export function tfjsModel(weights: readonly TfjsWeight[], dir = 'm'): ByteSource[] {
  const model = {
    format: 'graph-model',
    modelTopology: { node: [] },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: weights.map(({ bytes: _, ...w }) => w) }],
  };
  return [
    memorySource(`${dir}/model.json`, new TextEncoder().encode(JSON.stringify(model))),
    memorySource(`${dir}/group1-shard1of1.bin`, concatBytes(weights.map((w) => w.bytes))),
  ];
}
