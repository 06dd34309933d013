import { describe, expect, it } from 'vitest';
import type { GraftErrorCode } from '../../errors';
import { memorySource } from '../../io/byte-source';
import { openCheckpoint } from '../registry';
import { built, f32, simple, tableWithDataBlock } from './builders.test-util';
import { openTfBundle } from './bundle';
import { encodeStringTensor } from './strings';
import { failure } from '../../errors.test-util';

async function expectError(p: Promise<unknown>, code: GraftErrorCode, ...fragments: (string | RegExp)[]): Promise<void> {
  const e = await failure(p);
  expect(e.code, e.message).toBe(code);
  for (const f of fragments) expect(e.message).toMatch(f);
}

const openIndex = (index: Uint8Array) => openTfBundle(memorySource('dir/ck.index', index), new Map());

describe('damaged indexes give specific errors', () => {
  it('an index shorter than its footer is truncated', async () => {
    const { index } = built(simple());
    await expectError(openIndex(index.subarray(0, 30)), 'truncated', 'dir/ck.index', /48 bytes/);
  });

  it('a truncated index loses its magic number', async () => {
    const { index } = built(simple());
    await expectError(openIndex(index.subarray(0, index.byteLength - 10)), 'bad-magic', 'dir/ck.index');
  });

  it('a wrong magic number', async () => {
    const { files } = built(simple(), {}, ({ index }) => void (index[index.byteLength - 1]! ^= 0xff));
    await expectError(openCheckpoint(files), 'bad-magic', 'dir/ck.index', /magic number/);
  });

  it('a flipped byte in a block', async () => {
    const { files } = built(simple(), {}, ({ index }) => void (index[5]! ^= 0x01));
    await expectError(openCheckpoint(files), 'block-checksum', 'dir/ck.index', /checksum mismatch at offset 0/);
  });

  it('a file that is not an index at all', async () => {
    const junk = new TextEncoder().encode('<html>this is not a checkpoint, it is a web page that got renamed</html>');
    await expectError(openCheckpoint([memorySource('x.index', junk)]), 'bad-magic', 'x.index');
  });

  it('an over-long varint in a block', async () => {
    const contents = Uint8Array.from([...new Array<number>(12).fill(0xff), 0, 0, 0, 0, 1, 0, 0, 0]);
    await expectError(openIndex(tableWithDataBlock(contents)), 'corrupt', /varint longer than 5 bytes/);
  });

  it('a restart count that does not fit the block', async () => {
    await expectError(openIndex(tableWithDataBlock(Uint8Array.from([0, 0, 0, 0, 0xff, 0xff, 0, 0]))), 'corrupt', /65535 restart points/);
  });

  it('an entry that shares more key bytes than the previous key has', async () => {
    const contents = Uint8Array.from([5, 1, 0, 0x61, 0, 0, 0, 0, 1, 0, 0, 0]);
    await expectError(openIndex(tableWithDataBlock(contents)), 'corrupt', /shares 5 bytes/);
  });

  it('an entry whose value runs past its block', async () => {
    const contents = Uint8Array.from([0, 1, 100, 0x61, 0, 0, 0, 0, 1, 0, 0, 0]);
    await expectError(openIndex(tableWithDataBlock(contents)), 'corrupt', /needs 100 bytes/);
  });

  it('a block handle past the end of the file', async () => {
    const footer = [0, 8, 0x80, 0x80, 0x80, 0x80, 0x10, 20];
    await expectError(openIndex(tableWithDataBlock(Uint8Array.from([0, 0, 0, 0]), { footer })), 'corrupt', /past the end/);
  });

  it('an absurd 64-bit block handle', async () => {
    const footer = [0, 8, ...new Array<number>(9).fill(0xff), 0x7f, 20];
    await expectError(openIndex(tableWithDataBlock(Uint8Array.from([0, 0, 0, 0]), { footer })), 'too-large', /2\^53/);
  });

  it('an index that points at the same data block twice', async () => {
    await expectError(openIndex(tableWithDataBlock(Uint8Array.from([0, 0, 0, 0]), { repeatHandle: 2 })), 'corrupt', /inside the previous one/);
  });

  it('an unknown compression type', async () => {
    await expectError(openIndex(tableWithDataBlock(Uint8Array.from([0, 0, 0, 0]), { type: 7 })), 'unsupported', /compression type 7/);
  });

  it('a snappy block that claims to expand to a gigabyte is refused before allocating', async () => {
    const bomb = Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x04, 0, 0, 0]);
    await expectError(openIndex(tableWithDataBlock(bomb, { type: 1 })), 'too-large', /expand from 8 to 1073741824 bytes/);
  });

  it('garbage snappy data', async () => {
    await expectError(openIndex(tableWithDataBlock(Uint8Array.from([10, 0xff, 0xff, 0xff]), { type: 1 })), 'corrupt', /snappy/);
  });

  it('a table without the bundle header', async () => {
    const contents = Uint8Array.from([0, 1, 0, 0x61, 0, 0, 0, 0, 1, 0, 0, 0]);
    await expectError(openIndex(tableWithDataBlock(contents)), 'corrupt', /bundle header/);
  });

  it('a shape that disagrees with the stored size', async () => {
    const tensors = simple();
    tensors[0]!.override = { size: 12 };
    await expectError(openCheckpoint(built(tensors).files), 'corrupt', 'dir/ck.index', /"dense\/kernel".*should take 16 bytes.*says 12/);
  });

  it('an absurd size is refused at listing, an absurd offset at reading, without allocating', async () => {
    const big = simple();
    big[0]!.override = { size: 2 ** 50 };
    await expectError(openCheckpoint(built(big).files), 'corrupt', /"dense\/kernel"/);

    const far = simple();
    far[0]!.override = { offset: 2 ** 50 };
    const ckpt = await openCheckpoint(built(far).files);
    expect(ckpt.warnings.join()).toMatch(/truncated/);
    await expectError(ckpt.read('dense/kernel'), 'truncated', 'dir/ck.data-00000-of-00001');
  });

  it('a shape with more elements than can be addressed', async () => {
    const tensors = simple();
    tensors[0]!.override = { shape: [2 ** 30, 2 ** 30, 2 ** 30] };
    await expectError(openCheckpoint(built(tensors).files), 'too-large', /"dense\/kernel"/);
  });

  it('an entry in a shard the header does not have', async () => {
    const tensors = simple();
    tensors[1]!.override = { shardId: 3 };
    await expectError(openCheckpoint(built(tensors).files), 'corrupt', /shard 3 but the bundle has 1/);
  });
});

describe('damaged or missing data', () => {
  it('a flipped byte in tensor data fails its CRC on read, naming file, tensor and offset', async () => {
    const { files } = built(simple(), {}, ({ shards }) => void (shards[0]![17]! ^= 0x40));
    const ckpt = await openCheckpoint(files);
    expect(await ckpt.read('dense/kernel')).toEqual(f32(1, 2, 3, 4));
    await expectError(ckpt.read('dense/bias'), 'tensor-checksum', 'dir/ck.data-00000-of-00001', '"dense/bias"', /offset 16/);
  });

  it('a missing shard: listing works with a warning, reading names the missing file', async () => {
    const { files } = built(simple(), { numShards: 2 });
    const ckpt = await openCheckpoint(files.filter((f) => !f.path.endsWith('00001-of-00002')));
    expect(ckpt.tensors).toHaveLength(2);
    expect(ckpt.warnings).toEqual([expect.stringMatching(/dir\/ck\.data-00001-of-00002 is missing/)]);
    await expectError(ckpt.read('dense/bias'), 'missing-file', 'dir/ck.data-00001-of-00002');
    expect(await ckpt.read('dense/kernel')).toEqual(f32(1, 2, 3, 4));
  });

  it('a truncated shard', async () => {
    const { files } = built(simple(), {}, () => undefined);
    const shard = files[1]!;
    const cut = memorySource(shard.path, (await shard.read(0, shard.size)).subarray(0, 20));
    const ckpt = await openCheckpoint([files[0]!, cut]);
    expect(ckpt.warnings.join()).toMatch(/truncated/);
    await expectError(ckpt.read('dense/bias'), 'truncated', shard.path);
  });

  it('string tensors: a damaged lengths checksum and damaged string bytes', async () => {
    const strings = encodeStringTensor([new TextEncoder().encode('hello'), new Uint8Array(0), new TextEncoder().encode('world!')]);
    const tensors = [{ name: 's', dtype: 'string' as const, shape: [3], bytes: strings.bytes }];
    const lengths = built(tensors, {}, ({ shards }) => void (shards[0]![4]! ^= 1));
    await expectError((await openCheckpoint(lengths.files)).read('s'), 'tensor-checksum', /lengths/);
    const data = built(tensors, {}, ({ shards }) => void (shards[0]![9]! ^= 1));
    await expectError((await openCheckpoint(data.files)).read('s'), 'tensor-checksum', '"s"', /offset 0/);
  });

  it('not a checkpoint at all: not-recognised names the files and what was expected', async () => {
    const files = [memorySource('notes.txt', new Uint8Array(3)), memorySource('weights.bin', new Uint8Array(8))];
    await expectError(openCheckpoint(files), 'not-recognised', 'notes.txt, weights.bin', /\.index/);
  });
});

describe('overlapping tensors', () => {
  it('are listed with a warning naming both', async () => {
    const tensors = simple();
    tensors[1]!.override = { offset: 8 };
    const ckpt = await openCheckpoint(built(tensors).files);
    expect(ckpt.warnings).toEqual([expect.stringMatching(/"dense\/kernel" and "dense\/bias" overlap/)]);
    await expectError(ckpt.read('dense/bias'), 'tensor-checksum', /offset 8/);
  });
});
