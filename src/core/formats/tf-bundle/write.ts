/**
 * Writes a TensorFlow checkpoint (tensor bundle) as TF's BundleWriter does: tensor bytes appended
 * to the data file in the order given, then the `.index` table of entries sorted by key with the
 * header under key "". In memory for now.
 */
import { GraftError } from '../../errors';
import { ELEMENT_SIZE, elementCount, type DType } from '../../model/dtypes';
import { concatBytes } from './cursor';
import { crc32c, maskCrc } from './crc32c';
import { dtypeToCode, encodeEntry, encodeHeader, type BundleEntry, type SliceExtent } from './protos';
import { encodeTensorNameSlice } from './slices';
import { parseStringTensor } from './strings';
import { compareBytes } from './table';
import { BUNDLE_TABLE_OPTIONS, buildTable } from './table-builder';

export interface WriteTensor {
  /** The key as it will be stored. */
  name: string;
  dtype: DType;
  shape: number[];
  /**
   * The bytes as stored: row-major elements for fixed-size dtypes; for `string`, the stored
   * encoding (see `encodeStringTensor`). Ignored when `slices` is given.
   */
  bytes: Uint8Array;
  /** Data shard to append to; default: spread round-robin over `numShards`. */
  shard?: number;
  /** A partitioned variable: each slice is stored under its own key (EncodeTensorNameSlice). */
  slices?: { extent: SliceExtent[]; bytes: Uint8Array }[];
  /** Test builders only: fields written into the entry as given, to make damaged indexes. */
  override?: Partial<Omit<BundleEntry, 'unknownRank'>>;
}

export interface WriteOptions {
  numShards?: number;
  /** Header endianness; the bytes are written as given either way. Default true. */
  littleEndian?: boolean;
  /** Index block compression; TF writes none. */
  compression?: 'none' | 'snappy';
  blockSize?: number;
  /** BundleWriter::Options::data_alignment (default 1: no padding). */
  alignment?: number;
}

const utf8 = new TextEncoder();

export function writeTfBundle(tensors: readonly WriteTensor[], options: WriteOptions = {}): { index: Uint8Array; shards: Uint8Array[] } {
  const numShards = options.numShards ?? 1;
  const littleEndian = options.littleEndian ?? true;
  const alignment = options.alignment ?? 1;
  const shardParts: Uint8Array[][] = Array.from({ length: numShards }, () => []);
  const shardSizes = new Array<number>(numShards).fill(0);
  const entries = new Map<string, { key: Uint8Array; entry: Omit<BundleEntry, 'unknownRank'> }>();

  const put = (key: Uint8Array, entry: Omit<BundleEntry, 'unknownRank'>, label: string) => {
    const id = Array.from(key, (b) => String.fromCharCode(b)).join('');
    if (key.byteLength === 0 || entries.has(id)) {
      throw new GraftError('corrupt', label, key.byteLength === 0 ? 'the empty key is reserved for the bundle header' : 'the same key is written twice');
    }
    entries.set(id, { key, entry });
  };

  const append = (t: WriteTensor, shard: number, bytes: Uint8Array, shape: number[], label: string): Omit<BundleEntry, 'unknownRank'> => {
    const count = elementCount(shape);
    const elem = ELEMENT_SIZE[t.dtype];
    let crc: number;
    if (t.dtype === 'string') {
      crc = parseStringTensor(bytes, count, label, t.name, 0, littleEndian).crc;
    } else {
      if (elem > 0 && bytes.byteLength !== count * elem) {
        throw new GraftError('corrupt', label, `tensor "${t.name}" (${t.dtype} [${shape.join(', ')}]) needs ${count * elem} bytes but ${bytes.byteLength} were given`);
      }
      crc = crc32c(bytes);
    }
    const offset = shardSizes[shard]!;
    shardParts[shard]!.push(bytes);
    shardSizes[shard]! += bytes.byteLength;
    const over = shardSizes[shard]! % alignment;
    if (over !== 0) {
      shardParts[shard]!.push(new Uint8Array(alignment - over));
      shardSizes[shard]! += alignment - over;
    }
    return { dtypeCode: dtypeToCode(t.dtype), shape, shardId: shard, offset, size: bytes.byteLength, crc32c: maskCrc(crc), slices: [] };
  };

  tensors.forEach((t, i) => {
    const shard = t.shard ?? i % numShards;
    if (!Number.isInteger(shard) || shard < 0 || shard >= numShards) {
      throw new RangeError(`tensor "${t.name}": shard ${shard} is not one of the ${numShards} shards`);
    }
    const label = `${t.name}`;
    if (t.slices) {
      for (const s of t.slices) {
        const shape = s.extent.map((e, d) => (e.length < 0 ? t.shape[d]! : e.length));
        put(encodeTensorNameSlice(t.name, s.extent), append(t, shard, s.bytes, shape, label), label);
      }
      const full = { dtypeCode: dtypeToCode(t.dtype), shape: t.shape, shardId: 0, offset: 0, size: 0, crc32c: 0, slices: t.slices.map((s) => s.extent) };
      put(utf8.encode(t.name), { ...full, ...t.override }, label);
    } else {
      put(utf8.encode(t.name), { ...append(t, shard, t.bytes, t.shape, label), ...t.override }, label);
    }
  });

  const sorted = [...entries.values()].sort((a, b) => compareBytes(a.key, b.key));
  const table = buildTable(
    [
      { key: new Uint8Array(0), value: encodeHeader({ numShards, littleEndian }) },
      ...sorted.map(({ key, entry }) => ({ key, value: encodeEntry(entry) })),
    ],
    {
      ...BUNDLE_TABLE_OPTIONS,
      ...(options.blockSize ? { blockSize: options.blockSize } : {}),
      compression: options.compression === 'snappy' ? 1 : 0,
    },
  );
  return { index: table, shards: shardParts.map((p) => concatBytes(p)) };
}
