/**
 * A stored (uncompressed) zip written straight to a FileSink, each member whole when it is added (its CRC known, so
 * no data descriptors), its data aligned as torch aligns it (`.storage_alignment`, padding in the local header's
 * extra field), ZIP64 records where a size or offset needs them. Spec: PKWARE APPNOTE.TXT 4.3.7, 4.3.12, 4.3.14–16, 4.5.3.
 */
import { createCRC32, type IHasher } from 'hash-wasm';
import type { FileSink } from '../../io/output';

interface Written {
  name: Uint8Array;
  crc: number;
  size: number;
  offset: number;
}

const MAX32 = 0xffffffff;
const utf8 = new TextEncoder();

export class StoredZipWriter {
  private offset = 0;
  private readonly members: Written[] = [];
  private hasher: IHasher | undefined;

  constructor(
    private readonly sink: FileSink,
    private readonly alignment = 64,
  ) {}

  private async crc(data: Uint8Array): Promise<number> {
    this.hasher ??= await createCRC32();
    this.hasher.init();
    this.hasher.update(data);
    return parseInt(this.hasher.digest('hex'), 16) >>> 0;
  }

  private async write(chunk: Uint8Array): Promise<void> {
    if (chunk.byteLength === 0) return;
    await this.sink.write(chunk);
    this.offset += chunk.byteLength;
  }

  async add(path: string, data: Uint8Array): Promise<void> {
    const name = utf8.encode(path);
    const crc = await this.crc(data);
    const zip64 = data.byteLength >= MAX32 || this.offset >= MAX32;
    const z64Length = zip64 ? 20 : 0;
    // Padding extra field (id 'FB', as torch writes it): the data starts at a multiple of `alignment`.
    const before = this.offset + 30 + name.length + z64Length + 4;
    const pad = (this.alignment - (before % this.alignment)) % this.alignment;
    const header = new Uint8Array(30 + name.length + z64Length + 4 + pad);
    const v = new DataView(header.buffer);
    v.setUint32(0, 0x04034b50, true);
    v.setUint16(4, zip64 ? 45 : 20, true);
    v.setUint16(6, 0x0800, true); // names are UTF-8
    v.setUint32(14, crc, true);
    v.setUint32(18, zip64 ? MAX32 : data.byteLength, true);
    v.setUint32(22, zip64 ? MAX32 : data.byteLength, true);
    v.setUint16(26, name.length, true);
    v.setUint16(28, z64Length + 4 + pad, true);
    header.set(name, 30);
    let e = 30 + name.length;
    if (zip64) {
      v.setUint16(e, 1, true);
      v.setUint16(e + 2, 16, true);
      v.setBigUint64(e + 4, BigInt(data.byteLength), true);
      v.setBigUint64(e + 12, BigInt(data.byteLength), true);
      e += 20;
    }
    v.setUint16(e, 0x4246, true);
    v.setUint16(e + 2, pad, true);
    this.members.push({ name, crc, size: data.byteLength, offset: this.offset });
    await this.write(header);
    await this.write(data);
  }

  /** Central directory and end records; closes the sink. */
  async finish(): Promise<void> {
    const start = this.offset;
    for (const m of this.members) {
      const zip64 = m.size >= MAX32 || m.offset >= MAX32;
      const extra = zip64 ? 28 : 0;
      const c = new Uint8Array(46 + m.name.length + extra);
      const v = new DataView(c.buffer);
      v.setUint32(0, 0x02014b50, true);
      v.setUint16(4, 45, true);
      v.setUint16(6, zip64 ? 45 : 20, true);
      v.setUint16(8, 0x0800, true);
      v.setUint32(16, m.crc, true);
      v.setUint32(20, zip64 ? MAX32 : m.size, true);
      v.setUint32(24, zip64 ? MAX32 : m.size, true);
      v.setUint16(28, m.name.length, true);
      v.setUint16(30, extra, true);
      v.setUint32(42, zip64 ? MAX32 : m.offset, true);
      c.set(m.name, 46);
      if (zip64) {
        const e = 46 + m.name.length;
        v.setUint16(e, 1, true);
        v.setUint16(e + 2, 24, true);
        v.setBigUint64(e + 4, BigInt(m.size), true);
        v.setBigUint64(e + 12, BigInt(m.size), true);
        v.setBigUint64(e + 20, BigInt(m.offset), true);
      }
      await this.write(c);
    }
    const size = this.offset - start;
    const count = this.members.length;
    if (count >= 0xffff || start >= MAX32 || size >= MAX32) {
      const end64 = this.offset;
      const r = new Uint8Array(56 + 20);
      const v = new DataView(r.buffer);
      v.setUint32(0, 0x06064b50, true);
      v.setBigUint64(4, 44n, true);
      v.setUint16(12, 45, true);
      v.setUint16(14, 45, true);
      v.setBigUint64(24, BigInt(count), true);
      v.setBigUint64(32, BigInt(count), true);
      v.setBigUint64(40, BigInt(size), true);
      v.setBigUint64(48, BigInt(start), true);
      v.setUint32(56, 0x07064b50, true);
      v.setBigUint64(64, BigInt(end64), true);
      v.setUint32(72, 1, true);
      await this.write(r);
    }
    const eocd = new Uint8Array(22);
    const v = new DataView(eocd.buffer);
    v.setUint32(0, 0x06054b50, true);
    v.setUint16(8, Math.min(count, 0xffff), true);
    v.setUint16(10, Math.min(count, 0xffff), true);
    v.setUint32(12, Math.min(size, MAX32), true);
    v.setUint32(16, Math.min(start, MAX32), true);
    await this.write(eocd);
    await this.sink.close();
  }
}
