import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { blobOrigin, blobSource } from '../io/byte-source';
import { BlobParts, PartsFolder, ZipFolder } from './zip-folder';

const bytes = (n: number, seed: number) => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 255;
  return out;
};
/** Large arrays compared as buffers: expect().toEqual walks them element by element. */
const same = (a: Uint8Array, b: Uint8Array) => expect(Buffer.compare(a, b)).toBe(0);
const blobBytes = async (b: Blob) => new Uint8Array(await b.arrayBuffer());

describe('BlobParts', () => {
  it('keeps chunks in order, copying each (the writer may reuse its buffer)', async () => {
    const parts = new BlobParts();
    const reused = new Uint8Array(3);
    for (let i = 0; i < 4; i++) {
      reused.fill(i);
      parts.append(reused);
    }
    parts.append(bytes(9 << 20, 1));
    const out = await blobBytes(parts.blob());
    expect(out.byteLength).toBe(12 + (9 << 20));
    expect([...out.subarray(0, 12)]).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
    same(out.subarray(12), bytes(9 << 20, 1));
  });

  it('keeps bytes read from a Blob as that Blob range (whole reads and views of them), small ones copied', async () => {
    const file = new Blob([bytes(6 << 20, 4)]);
    const source = blobSource('m.data', file);
    const whole = await source.read(1 << 20, 3 << 20);
    const view = whole.subarray(5, 5 + (2 << 20));
    const small = await source.read(7, 100);
    expect(blobOrigin(whole)?.size).toBe(3 << 20);
    expect(blobOrigin(view)?.size).toBe(2 << 20);
    expect(blobOrigin(bytes(2 << 20, 0))).toBeUndefined();
    const parts = new BlobParts();
    parts.append(small);
    parts.append(whole);
    parts.append(bytes(5, 9));
    parts.append(view);
    const out = await blobBytes(parts.blob());
    const expected = new Uint8Array([...small, ...whole, ...bytes(5, 9), ...view]);
    expect(parts.size).toBe(expected.byteLength);
    same(out, expected);
    same(out.subarray(100, 100 + (3 << 20)), bytes(6 << 20, 4).subarray(1 << 20, 4 << 20));
  });
});

describe('PartsFolder', () => {
  it('gives the one file written', async () => {
    const folder = new PartsFolder();
    const sink = await folder.create('m.safetensors');
    await sink.write(bytes(10, 2));
    await sink.close();
    same(await blobBytes(folder.file()), bytes(10, 2));
  });
});

describe('ZipFolder', () => {
  it('is a stored zip of every file, with files opened at once streamed in turn', async () => {
    const folder = new ZipFolder();
    const data = await folder.create('ckpt.data-00000-of-00001');
    const other = await folder.create('other.bin'); // opened while data streams: waits
    await other.write(bytes(5, 3));
    await data.write(bytes(1000, 4));
    await data.write(bytes(20 << 20, 5));
    await other.write(bytes(7, 6));
    await data.close();
    await other.write(bytes(4, 7)); // now streams
    await other.close();
    const index = await folder.create('ckpt.index');
    await index.write(bytes(33, 8));
    await index.close();
    const zip = await folder.finish();
    const files = unzipSync(await blobBytes(zip));
    expect(Object.keys(files)).toEqual(['ckpt.data-00000-of-00001', 'other.bin', 'ckpt.index']);
    const concat = (...a: Uint8Array[]) => new Uint8Array(Buffer.concat(a));
    expect(files['ckpt.data-00000-of-00001']!.byteLength).toBe(1000 + (20 << 20));
    same(files['ckpt.data-00000-of-00001']!.subarray(1000), bytes(20 << 20, 5));
    same(files['other.bin']!, concat(bytes(5, 3), bytes(7, 6), bytes(4, 7)));
    same(files['ckpt.index']!, bytes(33, 8));
    // Stored, not deflated: the archive is the bytes plus headers.
    expect(zip.size).toBeLessThan(1000 + (20 << 20) + 16 + 33 + 1000);
  });

  it('refuses to finish while a file is still open', async () => {
    const folder = new ZipFolder();
    await folder.create('a');
    await expect(folder.finish()).rejects.toThrow(/still being written/);
  });
});
