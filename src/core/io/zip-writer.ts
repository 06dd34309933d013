/**
 * A stored (uncompressed) zip written front to back as its members stream in, with ZIP64 records wherever a size,
 * an offset or the member count passes what the 32-bit fields hold, so an export of any size fits one archive.
 * Each member: a local header with sizes unknown (flag bit 3), its bytes as they come, a data descriptor; at the end
 * the central directory, a ZIP64 end record and locator when needed, and the end record. This is also how
 * `torch.save` writes its archive; `alignment` adds torch's other rule (each member's data at a multiple of 64,
 * padded by an extra field with id 'FB' in the local header).
 * Spec: PKWARE APPNOTE.TXT 6.3.10, sections 4.3.7–4.3.16 and 4.5.3.
 */
import { createCRC32, type IHasher } from 'hash-wasm';
import { CDIR_SIG, DATA_DESCRIPTOR_SIG, EOCD64_LOCATOR_SIG, EOCD64_SIG, EOCD_SIG, LOCAL_SIG, ZIP64_EXTRA_ID } from './zip';

/** Where the archive's bytes go, in order; it may keep a chunk only until it returns (or its promise resolves). */
export type ChunkSink = (chunk: Uint8Array) => void | Promise<void>;

export interface ZipStreamOptions {
  /**
   * 'auto' (default): ZIP64 fields only where a value does not fit 32 bits (16 for the member count). 'always':
   * every member and the end in ZIP64 form, the 32-bit fields set to their "see ZIP64" markers (for tests of the
   * ZIP64 layout on small archives).
   */
  zip64?: 'auto' | 'always';
  /** The members' modification time (default: now); null: the zero DOS time and date, as `torch.save` writes. */
  date?: Date | null;
  /** Each member's data starts at a multiple of this many bytes (PyTorch: 64, its `.storage_alignment`). */
  alignment?: number;
}

/** Where one member's bytes lie in the archive, once written. */
export interface ZipMember {
  name: string;
  /** Offset of the member's local header. */
  offset: number;
  /** Offset of its first byte of data. */
  dataOffset: number;
  size: number;
  crc32: number;
}

const U16 = 0xffff;
const U32 = 0xffffffff;
const VERSION_ZIP64 = 45;
const VERSION_PLAIN = 20;
/** Bit 3: sizes and CRC follow the data; bit 11: the name is UTF-8. */
const FLAGS = 0x0808;
/** The padding extra field torch's writer (caffe2 PyTorchStreamWriter) puts in a local header: 'FB'. */
const PADDING_EXTRA_ID = 0x4246;

const utf8 = new TextEncoder();

function dosTime(d: Date | null): { time: number; date: number } {
  if (d === null) return { time: 0, date: 0 };
  const year = Math.max(1980, d.getFullYear());
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/** Little-endian record builder. */
class Record {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  private at = 0;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  u16(v: number): this {
    this.view.setUint16(this.at, v, true);
    this.at += 2;
    return this;
  }
  u32(v: number): this {
    this.view.setUint32(this.at, v >>> 0, true);
    this.at += 4;
    return this;
  }
  u64(v: number): this {
    this.view.setBigUint64(this.at, BigInt(v), true);
    this.at += 8;
    return this;
  }
  raw(b: Uint8Array): this {
    this.bytes.set(b, this.at);
    this.at += b.byteLength;
    return this;
  }
  /** `n` zero bytes (the record starts zeroed). */
  skip(n: number): this {
    this.at += n;
    return this;
  }
}

interface Open {
  member: ZipMember;
  name: Uint8Array;
  hasher: IHasher;
}

export class ZipStream {
  private at = 0;
  private readonly done: { member: ZipMember; name: Uint8Array }[] = [];
  private open: Open | null = null;
  private hasher: Promise<IHasher> | null = null;
  private readonly always: boolean;
  private readonly stamp: { time: number; date: number };
  private readonly alignment: number;

  constructor(
    private readonly sink: ChunkSink,
    options: ZipStreamOptions = {},
  ) {
    this.always = options.zip64 === 'always';
    this.stamp = dosTime(options.date === undefined ? new Date() : options.date);
    this.alignment = options.alignment ?? 0;
  }

  /** The members written so far, with where their bytes lie. */
  get members(): readonly ZipMember[] {
    return this.done.map((d) => d.member);
  }

  /** Bytes written so far. */
  get size(): number {
    return this.at;
  }

  private async emit(chunk: Uint8Array): Promise<void> {
    this.at += chunk.byteLength;
    await this.sink(chunk);
  }

  /**
   * Starts a member: its local header. One member at a time. A member that starts past 4 GiB (or any, under 'always')
   * carries a ZIP64 extra field here already, so readers expect its data descriptor's 64-bit sizes (4.3.9.1).
   */
  async begin(path: string): Promise<void> {
    if (this.open) throw new Error(`zip: ${path} started while ${this.open.member.name} is open`);
    const name = utf8.encode(path);
    const offset = this.at;
    const wide = this.always || offset >= U32;
    const zip64Extra = wide ? 20 : 0;
    // The padding field (4 bytes and the padding) ends where the data starts; torch writes it even when no padding is needed.
    const unpadded = offset + 30 + name.byteLength + zip64Extra + 4;
    const pad = this.alignment > 0 ? (this.alignment - (unpadded % this.alignment)) % this.alignment : 0;
    const extra = zip64Extra + (this.alignment > 0 ? 4 + pad : 0);
    const header = new Record(30 + name.byteLength + extra)
      .u32(LOCAL_SIG).u16(wide ? VERSION_ZIP64 : VERSION_PLAIN).u16(FLAGS).u16(0).u16(this.stamp.time).u16(this.stamp.date)
      .u32(0).u32(0).u32(0).u16(name.byteLength).u16(extra).raw(name);
    if (wide) header.u16(ZIP64_EXTRA_ID).u16(16).u64(0).u64(0);
    if (this.alignment > 0) header.u16(PADDING_EXTRA_ID).u16(pad).skip(pad);
    // One hasher for the archive (one member at a time): each createCRC32 instantiates WebAssembly.
    const hasher = await (this.hasher ??= createCRC32());
    hasher.init();
    this.open = { member: { name: path, offset, dataOffset: offset + header.bytes.byteLength, size: 0, crc32: 0 }, name, hasher };
    await this.emit(header.bytes);
  }

  /** Bytes of the open member, passed on as they are (the same Uint8Array reaches the sink). */
  async data(chunk: Uint8Array): Promise<void> {
    const open = this.open;
    if (!open) throw new Error('zip: data outside a member');
    if (chunk.byteLength === 0) return;
    open.hasher.update(chunk);
    open.member.size += chunk.byteLength;
    await this.emit(chunk);
  }

  /**
   * Ends the open member: its data descriptor, with 64-bit sizes wherever the member is a ZIP64 one (its size, its
   * offset, or 'always'): readers such as Info-ZIP expect the descriptor's width from the central record's ZIP64 field.
   */
  async end(): Promise<void> {
    const open = this.open;
    if (!open) throw new Error('zip: end outside a member');
    const m = open.member;
    m.crc32 = parseInt(open.hasher.digest('hex'), 16) >>> 0;
    const wide = this.always || m.size >= U32 || m.offset >= U32;
    const d = new Record(wide ? 24 : 16).u32(DATA_DESCRIPTOR_SIG).u32(m.crc32);
    if (wide) d.u64(m.size).u64(m.size);
    else d.u32(m.size).u32(m.size);
    this.open = null;
    this.done.push({ member: m, name: open.name });
    await this.emit(d.bytes);
  }

  /** One whole member: `begin`, its bytes, `end`. */
  async add(path: string, bytes: Uint8Array): Promise<void> {
    await this.begin(path);
    await this.data(bytes);
    await this.end();
  }

  /** The central directory and the end records; the archive is complete once this resolves. */
  async finish(): Promise<void> {
    if (this.open) throw new Error(`zip: ${this.open.member.name} was still being written when the archive ended`);
    const cdOffset = this.at;
    for (const { member: m, name } of this.done) {
      const bigSize = this.always || m.size >= U32;
      const bigOffset = this.always || m.offset >= U32;
      const extra = (bigSize ? 16 : 0) + (bigOffset ? 8 : 0);
      const r = new Record(46 + name.byteLength + (extra ? 4 + extra : 0))
        .u32(CDIR_SIG).u16(VERSION_ZIP64).u16(extra ? VERSION_ZIP64 : VERSION_PLAIN).u16(FLAGS).u16(0)
        .u16(this.stamp.time).u16(this.stamp.date).u32(m.crc32)
        .u32(bigSize ? U32 : m.size).u32(bigSize ? U32 : m.size)
        .u16(name.byteLength).u16(extra ? 4 + extra : 0).u16(0).u16(0).u16(0).u32(0)
        .u32(bigOffset ? U32 : m.offset).raw(name);
      // The ZIP64 extended information field holds, in this order, only the values whose 32-bit field is U32 (4.5.3).
      if (extra) {
        r.u16(ZIP64_EXTRA_ID).u16(extra);
        if (bigSize) r.u64(m.size).u64(m.size);
        if (bigOffset) r.u64(m.offset);
      }
      await this.emit(r.bytes);
    }
    const cdSize = this.at - cdOffset;
    const count = this.done.length;
    const zip64 = this.always || count >= U16 || cdSize >= U32 || cdOffset >= U32;
    if (zip64) {
      const eocd64 = this.at;
      await this.emit(
        new Record(56).u32(EOCD64_SIG).u64(44).u16(VERSION_ZIP64).u16(VERSION_ZIP64).u32(0).u32(0)
          .u64(count).u64(count).u64(cdSize).u64(cdOffset).bytes,
      );
      await this.emit(new Record(20).u32(EOCD64_LOCATOR_SIG).u32(0).u64(eocd64).u32(1).bytes);
    }
    const fit = (v: number, max: number) => (zip64 && (this.always || v >= max) ? max : v);
    await this.emit(
      new Record(22).u32(EOCD_SIG).u16(0).u16(0).u16(fit(count, U16)).u16(fit(count, U16))
        .u32(fit(cdSize, U32)).u32(fit(cdOffset, U32)).u16(0).bytes,
    );
  }
}
