/**
 * Writes a TensorFlow checkpoint (tensor bundle) as TF's BundleWriter does: tensor bytes appended
 * to the data files in the order given, then the `.index` table of entries sorted by key with the
 * header under key "". The writer never holds tensor bytes: `add` hands back what to append to
 * which shard, so a caller can stream it to disk, a zip or memory.
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
  /**
   * The unmasked CRC32C of `bytes` when the caller already knows it (bytes read from a bundle and verified
   * against its entry): saves a pass over the data. Ignored for strings and slices.
   */
  crc32c?: number;
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

type StoredEntry = Omit<BundleEntry, 'unknownRank'>;

/** Bytes to append to a data shard, in order. */
export interface ShardPiece {
  shard: number;
  bytes: Uint8Array;
}

export class TfBundleWriter {
  private readonly littleEndian: boolean;
  private readonly alignment: number;
  private readonly shardSizes: number[];
  private readonly entries = new Map<string, { key: Uint8Array; entry: StoredEntry }>();
  private count = 0;

  constructor(private readonly options: WriteOptions = {}) {
    this.littleEndian = options.littleEndian ?? true;
    this.alignment = options.alignment ?? 1;
    this.shardSizes = new Array<number>(options.numShards ?? 1).fill(0);
  }

  get numShards(): number {
    return this.shardSizes.length;
  }

  /** Records one tensor (or every slice of a partitioned one); returns the bytes to append to its shard. */
  add(t: WriteTensor): ShardPiece[] {
    const shard = t.shard ?? this.count % this.numShards;
    this.count++;
    if (!Number.isInteger(shard) || shard < 0 || shard >= this.numShards) {
      throw new RangeError(`tensor "${t.name}": shard ${shard} is not one of the ${this.numShards} shards`);
    }
    const pieces: ShardPiece[] = [];
    if (t.slices) {
      for (const s of t.slices) {
        const shape = s.extent.map((e, d) => (e.length < 0 ? t.shape[d]! : e.length));
        this.put(encodeTensorNameSlice(t.name, s.extent), this.append(t, shard, s.bytes, shape, pieces), t.name);
      }
      const full = { dtypeCode: dtypeToCode(t.dtype), shape: t.shape, shardId: 0, offset: 0, size: 0, crc32c: 0, slices: t.slices.map((s) => s.extent) };
      this.put(utf8.encode(t.name), { ...full, ...t.override }, t.name);
    } else {
      this.put(utf8.encode(t.name), { ...this.append(t, shard, t.bytes, t.shape, pieces), ...t.override }, t.name);
    }
    return pieces;
  }

  /**
   * Records a tensor whose `size` bytes the caller appends to `shard` itself (a kernel copy of them), with their
   * unmasked CRC32C; returns only the alignment padding that must follow them.
   */
  addAppended(t: Omit<WriteTensor, 'bytes' | 'slices' | 'crc32c'> & { size: number; crc32c: number }): ShardPiece[] {
    checkCopied(t);
    const shard = t.shard ?? this.count % this.numShards;
    this.count++;
    const pieces: ShardPiece[] = [];
    this.put(utf8.encode(t.name), { ...this.record(t.dtype, shard, t.size, t.shape, t.crc32c, pieces), ...t.override }, t.name);
    return pieces;
  }

  /** The data of `shard` starts with `size` bytes the caller put there (a copy of another bundle's data file). */
  startAfter(shard: number, size: number): void {
    if (this.count > 0) throw new RangeError('startAfter comes before the first tensor');
    this.shardSizes[shard] = size;
  }

  /**
   * Records a tensor that lies at `offset` of `shard`, inside bytes the caller put there: with `crc32c`, bytes already
   * there (kept from a copy); with `bytes`, bytes the caller writes there. Nothing is appended.
   */
  place(t: Omit<WriteTensor, 'slices' | 'bytes'> & ({ bytes: Uint8Array } | { size: number; crc32c: number }), shard: number, offset: number): void {
    if (!Number.isInteger(shard) || shard < 0 || shard >= this.numShards) throw new RangeError(`shard ${shard} is not one of the ${this.numShards} shards`);
    this.count++;
    if (!('bytes' in t)) checkCopied(t);
    const size = 'bytes' in t ? t.bytes.byteLength : t.size;
    const crc = 'bytes' in t ? this.crcOf(t, t.bytes, t.shape) : t.crc32c;
    if (offset < 0 || offset + size > this.shardSizes[shard]!) throw new RangeError(`tensor "${t.name}" placed outside the ${this.shardSizes[shard]} bytes of shard ${shard}`);
    this.put(utf8.encode(t.name), { dtypeCode: dtypeToCode(t.dtype), shape: t.shape, shardId: shard, offset, size, crc32c: maskCrc(crc), slices: [], ...t.override }, t.name);
  }

  /** The `.index` file for everything added so far. */
  index(): Uint8Array {
    const sorted = [...this.entries.values()].sort((a, b) => compareBytes(a.key, b.key));
    return buildTable(
      [
        { key: new Uint8Array(0), value: encodeHeader({ numShards: this.numShards, littleEndian: this.littleEndian }) },
        ...sorted.map(({ key, entry }) => ({ key, value: encodeEntry(entry) })),
      ],
      {
        ...BUNDLE_TABLE_OPTIONS,
        ...(this.options.blockSize ? { blockSize: this.options.blockSize } : {}),
        compression: this.options.compression === 'snappy' ? 1 : 0,
      },
    );
  }

  private put(key: Uint8Array, entry: StoredEntry, label: string): void {
    const id = Array.from(key, (b) => String.fromCharCode(b)).join('');
    if (key.byteLength === 0 || this.entries.has(id)) {
      throw new GraftError('corrupt', label, key.byteLength === 0 ? 'the empty key is reserved for the bundle header' : 'the same key is written twice');
    }
    this.entries.set(id, { key, entry });
  }

  private append(t: WriteTensor, shard: number, bytes: Uint8Array, shape: number[], pieces: ShardPiece[]): StoredEntry {
    const crc = this.crcOf(t, bytes, shape);
    pieces.push({ shard, bytes });
    return this.record(t.dtype, shard, bytes.byteLength, shape, crc, pieces);
  }

  /** The unmasked CRC32C TF stores for these bytes (strings: TF's own CRC of them), checking their size. */
  private crcOf(t: Omit<WriteTensor, 'bytes'>, bytes: Uint8Array, shape: number[]): number {
    const count = elementCount(shape);
    const elem = ELEMENT_SIZE[t.dtype];
    if (t.dtype === 'string') return parseStringTensor(bytes, count, t.name, t.name, 0, this.littleEndian).crc;
    if (elem > 0 && bytes.byteLength !== count * elem) {
      throw new GraftError('corrupt', t.name, `tensor "${t.name}" (${t.dtype} [${shape.join(', ')}]) needs ${count * elem} bytes but ${bytes.byteLength} were given`);
    }
    return t.crc32c !== undefined && !t.slices ? t.crc32c >>> 0 : crc32c(bytes);
  }

  /** The entry of `size` bytes appended to `shard` (pushed to `pieces` by the caller), and the padding after them. */
  private record(dtype: DType, shard: number, size: number, shape: number[], crc: number, pieces: ShardPiece[]): StoredEntry {
    if (!Number.isInteger(shard) || shard < 0 || shard >= this.numShards) throw new RangeError(`shard ${shard} is not one of the ${this.numShards} shards`);
    const offset = this.shardSizes[shard]!;
    this.shardSizes[shard]! += size;
    const over = this.shardSizes[shard]! % this.alignment;
    if (over !== 0) {
      pieces.push({ shard, bytes: new Uint8Array(this.alignment - over) });
      this.shardSizes[shard]! += this.alignment - over;
    }
    return { dtypeCode: dtypeToCode(dtype), shape, shardId: shard, offset, size, crc32c: maskCrc(crc), slices: [] };
  }
}

function checkCopied(t: { name: string; dtype: DType; shape: number[]; size: number }): void {
  const elem = ELEMENT_SIZE[t.dtype];
  if (elem === 0 || t.size !== elementCount(t.shape) * elem) {
    throw new GraftError('corrupt', t.name, `tensor "${t.name}" (${t.dtype} [${t.shape.join(', ')}]) cannot be stored as ${t.size} bytes copied as they are`);
  }
}

/** The whole bundle in memory: for tests, builders and small outputs such as the built-in example. */
export function writeTfBundle(tensors: readonly WriteTensor[], options: WriteOptions = {}): { index: Uint8Array; shards: Uint8Array[] } {
  const writer = new TfBundleWriter(options);
  const parts: Uint8Array[][] = Array.from({ length: writer.numShards }, () => []);
  for (const t of tensors) for (const p of writer.add(t)) parts[p.shard]!.push(p.bytes);
  return { index: writer.index(), shards: parts.map((p) => concatBytes(p)) };
}
