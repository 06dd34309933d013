// Writes a 5,000-variable TF checkpoint with Graft's own writer, for e2e/large.spec.ts and bench/large-list.bench.ts:
//   tsx e2e/make-large.ts OUT_DIR   → OUT_DIR/big.ckpt.index, OUT_DIR/big.ckpt.data-00000-of-00001
// Run through tsx (not Playwright's loader) so the writer's CommonJS dependencies resolve as in the CLI.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeTfBundle } from '../src/core/formats/tf-bundle';


const out = process.argv[2];
if (!out) throw new Error('usage: tsx e2e/make-large.ts OUT_DIR');
const tensors = [];
for (let g = 0; g < 100; g++) {
  for (let i = 0; i < 50; i++) {
    const values = Float32Array.from([g, i, -g, -i]);
    const name = `block_${String(g).padStart(3, '0')}/layer_${String(i).padStart(2, '0')}/kernel`;
    tensors.push({ name, dtype: 'float32' as const, shape: [2, 2], bytes: new Uint8Array(values.buffer) });
  }
}
const { index, shards } = writeTfBundle(tensors);
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'big.ckpt.index'), index);
writeFileSync(join(out, 'big.ckpt.data-00000-of-00001'), shards[0]!);
