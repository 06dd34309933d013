import { describe, expect, it } from 'vitest';
import { crc32c } from '../formats/tf-bundle/crc32c';
import { compile, emptyRecipe } from '../mapping';
import { collectingWriter, listTarget, memoryCheckpoint, randomBytes } from './engine.test-util';
import { execute } from './execute';

describe('the engine reads old values through Checkpoint.readValue', () => {
  const bytes = randomBytes(4 * 6, 21);
  const swapped = (b: Uint8Array) => Uint8Array.from(b, (_, i) => b[i - (i % 4) + 3 - (i % 4)]!);
  const run = async (littleEndian: boolean) => {
    const old = await memoryCheckpoint([{ name: 'w', dtype: 'float32', shape: [6], bytes: littleEndian ? bytes : swapped(bytes) }], { littleEndian });
    const target = listTarget([{ name: 'w', dtype: 'float32', shape: [6] }]);
    const w = collectingWriter();
    await execute(compile(emptyRecipe({ links: [{ from: ['w'], to: 'w', transforms: [] }] }), old, target), old, target, w, { seed: 0 });
    return w.tensors[0]!;
  };

  it('an exact copy out of a little-endian bundle hands the writer the CRC32C verified on read', async () => {
    const t = await run(true);
    expect(t.bytes).toEqual(bytes);
    expect(t.crc32c).toBe(crc32c(bytes));
  });

  it('out of a big-endian bundle: the little-endian value, and no stored CRC (it belongs to other bytes)', async () => {
    const t = await run(false);
    expect(t.bytes).toEqual(bytes);
    expect(t.crc32c).toBeUndefined();
  });
});
