import { describe, expect, it } from 'vitest';
import { blobSource } from '../core/io/byte-source';
import { DirectoryFolder } from './folder-output';

/** A FileSystemDirectoryHandle in memory: each file's writes kept as they came (Blob or bytes), joined on close. */
function fakeFolder() {
  const writes = new Map<string, (Blob | Uint8Array)[]>();
  const files = new Map<string, Uint8Array>();
  const dir = {
    name: 'picked',
    async getDirectoryHandle() {
      return dir;
    },
    async getFileHandle(name: string) {
      return {
        async createWritable() {
          const got: (Blob | Uint8Array)[] = [];
          writes.set(name, got);
          return {
            async write(data: Blob | Uint8Array) {
              got.push(data instanceof Blob ? data : data.slice());
            },
            async close() {
              const bytes = await Promise.all(got.map(async (d) => (d instanceof Blob ? new Uint8Array(await d.arrayBuffer()) : d)));
              const out = new Uint8Array(bytes.reduce((n, b) => n + b.byteLength, 0));
              let at = 0;
              for (const b of bytes) (out.set(b, at), (at += b.byteLength));
              files.set(name, out);
            },
            async abort() {},
          };
        },
      };
    },
  };
  return { dir: dir as unknown as FileSystemDirectoryHandle, writes, files };
}

const MiB = 1 << 20;
function pattern(n: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 4096) out[i] = (i / 4096 + seed) & 255;
  return out;
}
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('DirectoryFolder', () => {
  it('gathers ranges read from an input Blob and small chunks into few writes, and the file has every byte in order', async () => {
    const input = pattern(40 * MiB, 7);
    const source = blobSource('old.data', new Blob([input]));
    const { dir, writes, files } = fakeFolder();
    const sink = await new DirectoryFolder(dir).create('merged.ckpt.data-00000-of-00001');
    const expected: Uint8Array[] = [];
    for (let at = 0; at < input.byteLength; at += 4 * MiB) {
      const read = await source.read(at, 4 * MiB); // an exact copy: its bytes are that Blob range
      await sink.write(read);
      expected.push(read.slice());
      const small = pattern(1000, at / MiB + 1); // computed bytes: staged
      await sink.write(small);
      expected.push(small);
    }
    const computed = pattern(9 * MiB, 3); // large computed bytes: written as they are
    await sink.write(computed);
    expected.push(computed);
    await sink.close();
    const want = new Uint8Array(expected.reduce((n, b) => n + b.byteLength, 0));
    let at = 0;
    for (const b of expected) (want.set(b, at), (at += b.byteLength));
    const got = files.get('merged.ckpt.data-00000-of-00001')!;
    expect(got.byteLength).toBe(want.byteLength);
    expect(same(got, want)).toBe(true);
    // 10 ranges and 10 small chunks (40 MiB, under the gathering size) in one Blob, then the computed bytes.
    const w = writes.get('merged.ckpt.data-00000-of-00001')!;
    expect(w.map((d) => (d instanceof Blob ? 'blob' : 'bytes'))).toEqual(['blob', 'bytes']);
  });

  it('writes once the gathered ranges reach 64 MiB', async () => {
    const source = blobSource('old.data', new Blob([pattern(100 * MiB, 1)]));
    const { dir, writes } = fakeFolder();
    const sink = await new DirectoryFolder(dir).create('out.bin');
    for (let at = 0; at < 100 * MiB; at += 16 * MiB) await sink.write(await source.read(at, Math.min(16 * MiB, 100 * MiB - at)));
    expect(writes.get('out.bin')!.map((d) => (d instanceof Blob ? d.size : d.byteLength))).toEqual([64 * MiB]);
    await sink.close();
    expect(writes.get('out.bin')!.map((d) => (d as Blob).size)).toEqual([64 * MiB, 36 * MiB]);
  });
});
