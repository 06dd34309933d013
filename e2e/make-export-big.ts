// Writes a ~400 MB TF checkpoint (100 float32 variables of [1024, 1024]) with Graft's own writer, for the cancel
// test of e2e/export.spec.ts:   tsx e2e/make-export-big.ts OUT_DIR   → OUT_DIR/big.ckpt.{index,data-00000-of-00001}
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { TfBundleWriter } from '../src/core/formats/tf-bundle';

const out = process.argv[2];
if (!out) throw new Error('usage: tsx e2e/make-export-big.ts OUT_DIR');
mkdirSync(out, { recursive: true });
const writer = new TfBundleWriter({ numShards: 1 });
const data = openSync(join(out, 'big.ckpt.data-00000-of-00001'), 'w');
const values = new Float32Array(1024 * 1024);
for (let v = 0; v < 100; v++) {
  for (let i = 0; i < values.length; i++) values[i] = ((i * 2654435761 + v) % 1000) / 1000 - 0.5;
  const name = `layer_${String(v).padStart(3, '0')}/kernel`;
  for (const p of writer.add({ name, dtype: 'float32', shape: [1024, 1024], bytes: new Uint8Array(values.buffer), shard: 0 })) writeSync(data, p.bytes);
}
closeSync(data);
writeFileSync(join(out, 'big.ckpt.index'), writer.index());
