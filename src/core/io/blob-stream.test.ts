import { describe, expect, it } from 'vitest';
import { BlobStream, STREAM_FROM } from './blob-stream';
import { blobOrigin, blobSource, forgetStoredRange } from './byte-source';

const MiB = 1 << 20;

function bytesOf(n: number, seed = 7): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

const data = bytesOf(24 * MiB);
const blob = new Blob([data]);
const same = (got: Uint8Array, offset: number) => expect(Buffer.from(got).equals(Buffer.from(data.subarray(offset, offset + got.byteLength)))).toBe(true);

/** A Blob whose streams fail at their first read; its ranges still read directly. */
function failingStreams(b: Blob): Blob {
  const wrap = (part: Blob): Blob =>
    ({
      size: part.size,
      slice: (...a: Parameters<Blob['slice']>) => wrap(part.slice(...a)),
      arrayBuffer: () => part.arrayBuffer(),
      stream: () =>
        new ReadableStream({
          type: 'bytes',
          pull: (c) => c.error(new Error('the file went away')),
        }),
    }) as unknown as Blob;
  return wrap(b);
}

describe('BlobStream', () => {
  it('serves sequential reads (small ones between, gaps read through) from one stream, byte for byte', async () => {
    const s = new BlobStream(blob);
    const reads: [number, number][] = [
      [0, 2 * MiB],
      [2 * MiB, 4096],
      [2 * MiB + 4096 + 100, 3 * MiB],
      [6 * MiB, 7 * MiB + 5],
      [13 * MiB + 5, 16],
    ];
    for (const [o, l] of reads) {
      const got = await s.read(o, l);
      expect(got).toBeDefined();
      expect(got!.byteLength).toBe(l);
      same(got!, o);
    }
    expect(s.stats).toEqual({ streamed: reads.length, opened: 1 });
  });

  it('leaves small reads with no stream under way, and reads out of order, to the caller; reopens for a large one', async () => {
    const s = new BlobStream(blob);
    expect(s.read(0, STREAM_FROM - 1)).toBeUndefined();
    same((await s.read(8 * MiB, 2 * MiB))!, 8 * MiB);
    expect(s.read(0, 4096)).toBeUndefined();
    same((await s.read(MiB, 2 * MiB))!, MiB);
    same((await s.read(20 * MiB, 2 * MiB))!, 20 * MiB);
    expect(s.stats).toEqual({ streamed: 3, opened: 3 });
  });

  it('queues reads asked for while one is in flight, in order', async () => {
    const s = new BlobStream(blob);
    const a = s.read(0, 3 * MiB);
    const b = s.read(3 * MiB, 3 * MiB);
    expect(b).toBeDefined();
    const [x, y] = await Promise.all([a, b]);
    same(x!, 0);
    same(y!, 3 * MiB);
    expect(s.stats.opened).toBe(1);
  });

  it('reads into the caller buffer when it is large enough', async () => {
    const s = new BlobStream(blob);
    const into = new Uint8Array(5 * MiB);
    const got = (await s.read(MiB, 4 * MiB, into))!;
    expect(got.buffer).toBe(into.buffer);
    same(got, MiB);
  });

  it('rejects when the stream fails, and a direct read still works', async () => {
    const flaky = failingStreams(blob);
    await expect(new BlobStream(flaky).read(0, 2 * MiB)).rejects.toThrow('the file went away');
    const source = blobSource('flaky.bin', flaky);
    same(await source.read(0, 2 * MiB), 0);
  });
});

describe('blobSource over a stream', () => {
  it('reads into the caller buffer and says where that exact view is stored, never the buffer reused', async () => {
    const source = blobSource('big.bin', blob);
    const into = new Uint8Array(4 * MiB);
    await source.read(0, 2 * MiB, into);
    const got = await source.read(2 * MiB, 3 * MiB, into);
    expect(got.buffer).toBe(into.buffer);
    same(got, 2 * MiB);
    const origin = blobOrigin(got)!;
    expect(origin.size).toBe(3 * MiB);
    same(new Uint8Array(await origin.arrayBuffer()), 2 * MiB);
    // The same buffer reused for other bytes (a pool handing it to a transform) has no origin.
    expect(blobOrigin(new Uint8Array(into.buffer, 0, 3 * MiB))).toBeUndefined();
    // Nor the view once a transform may have used it as scratch.
    forgetStoredRange(got);
    expect(blobOrigin(got)).toBeUndefined();
  });

  it('reads without a buffer into one of its own, which keeps its origin', async () => {
    const source = blobSource('big.bin', blob);
    const a = await source.read(0, 2 * MiB);
    const b = await source.read(2 * MiB, 2 * MiB);
    same(b, 2 * MiB);
    same(new Uint8Array(await blobOrigin(b)!.arrayBuffer()), 2 * MiB);
    same(new Uint8Array(await blobOrigin(a.subarray(10, 20))!.arrayBuffer()), 10);
  });
});
