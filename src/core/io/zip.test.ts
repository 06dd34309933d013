/**
 * Zip members whose directory entries lie about their sizes (issue 17): refused before anything of the claimed size
 * is allocated, through the same calls `.npz` and `.keras` use. Every archive is built here.
 */
import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openCheckpoint } from '../formats/registry';
import { openKerasZip } from '../formats/keras-h5/keras-zip';
import { npy } from '../formats/numpy/npy.test-util';
import { memorySource } from './byte-source';
import { readEntry, readZipDirectory } from './zip';
import { zip } from './zip.test-util';
import { failure } from '../errors.test-util';

/** Rewrites member `i`'s uncompressed size in the central directory (and in its local header). */
function claimSize(archive: Uint8Array, i: number, size: number): Uint8Array {
  const out = archive.slice();
  const dv = new DataView(out.buffer);
  let seen = 0;
  for (let p = 0; p + 4 <= out.length; p++) {
    if (dv.getUint32(p, true) !== 0x02014b50) continue;
    if (seen++ !== i) continue;
    dv.setUint32(p + 24, size, true);
    dv.setUint32(dv.getUint32(p + 42, true) + 22, size, true);
    return out;
  }
  throw new Error(`no member ${i}`);
}

const zeros = (n: number) => new Uint8Array(n);

describe('a deflated member that claims 2^31 bytes', () => {
  it('is refused by what its compressed size can produce, before allocating', async () => {
    const archive = memorySource('x.zip', claimSize(zip([['a.bin', zeros(1000)]], true), 0, 2 ** 31));
    const [entry] = await readZipDirectory(archive);
    expect(entry!.size).toBe(2 ** 31);
    const before = process.memoryUsage().arrayBuffers;
    const e = await failure(readEntry(archive, entry!));
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 << 20);
    expect([e.code, e.file]).toEqual(['corrupt', 'x.zip']);
    expect(e.message).toMatch(/claims 2147483648 bytes from \d+ compressed bytes, more than deflate can produce/);
  });

  it('in an .npz: listing works from the member header, reading is a typed error', async () => {
    const member = npy('<f4', [4], new Uint8Array(16));
    const file = memorySource('w.npz', claimSize(zip([['a.npy', member]], true), 0, 2 ** 31));
    const ckpt = await openCheckpoint([file]);
    expect(ckpt.tensors.map((t) => [t.name, t.byteLength])).toEqual([['a', 16]]);
    const e = await failure(ckpt.read('a'));
    expect([e.code, e.file]).toEqual(['corrupt', 'w.npz']);
  });

  it('in a .keras archive: the weights member is refused before any HDF5 is opened', async () => {
    const file = memorySource('m.keras', claimSize(zip([['config.json', new TextEncoder().encode('{}')], ['model.weights.h5', zeros(4096)]], true), 1, 2 ** 31));
    const e = await failure(openKerasZip(file));
    expect([e.code, e.file]).toEqual(['corrupt', 'm.keras']);
    expect(e.message).toMatch(/model\.weights\.h5 claims 2147483648 bytes/);
  });
});

describe('sizes that disagree with the stream', () => {
  it('a stream that inflates to more than the directory says stops there', async () => {
    const archive = memorySource('x.zip', claimSize(zip([['a.bin', zeros(1 << 20)]], true), 0, 1000));
    const [entry] = await readZipDirectory(archive);
    await expect(readEntry(archive, entry!)).rejects.toMatchObject({ code: 'corrupt', message: expect.stringMatching(/inflates to more than the 1000 bytes/) });
  });

  it('a stream that inflates to less is a typed error', async () => {
    const archive = memorySource('x.zip', claimSize(zip([['a.bin', zeros(1000)]], true), 0, 5000));
    const [entry] = await readZipDirectory(archive);
    await expect(readEntry(archive, entry!)).rejects.toMatchObject({ code: 'corrupt', message: expect.stringMatching(/inflated to 1000 bytes, the directory says 5000/) });
  });

  it('a stored member whose two sizes differ is damaged', async () => {
    const archive = memorySource('x.zip', claimSize(zip([['a.bin', zeros(10)]], false), 0, 2 ** 30));
    const [entry] = await readZipDirectory(archive);
    await expect(readEntry(archive, entry!)).rejects.toMatchObject({ code: 'corrupt', message: expect.stringMatching(/stored uncompressed/) });
    await expect(openKerasZip(memorySource('m.keras', claimSize(zip([['model.weights.h5', zeros(10)]], false), 0, 2 ** 30)))).rejects.toMatchObject({ code: 'corrupt' });
  });

  it('an honest deflated member larger than one inflate step comes back whole', async () => {
    const data = new Uint8Array(randomBytes(300_000));
    expect(deflateRawSync(data).length).toBeGreaterThan(64 << 10);
    const archive = memorySource('x.zip', zip([['a.bin', data]], true));
    const [entry] = await readZipDirectory(archive);
    expect(await readEntry(archive, entry!)).toEqual(data);
  });
});
