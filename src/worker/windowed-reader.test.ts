import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GraftError } from '../core/errors';
import { blobOrigin, blobSource, type ByteSource } from '../core/io/byte-source';
import { windowedSource } from './windowed-reader';

const KiB = 1 << 10;
const content = (size: number) => new Uint8Array(size).map((_, i) => (i * 31 + (i >> 8)) & 255);

/** A file whose reads are counted, each answered with a fresh buffer (as a Blob read is), the reads in flight tracked. */
function counted(bytes: Uint8Array, fail?: (offset: number) => boolean) {
  const reads: [number, number][] = [];
  const state = { inFlight: 0, maxInFlight: 0 };
  const source: ByteSource = {
    path: 'shard.data',
    size: bytes.length,
    read: async (offset, length) => {
      reads.push([offset, length]);
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      await new Promise((r) => setTimeout(r, 1));
      state.inFlight--;
      if (fail?.(offset)) throw new DOMException('The requested file could not be read', 'NotReadableError');
      return bytes.slice(offset, offset + length);
    },
  };
  return { source, reads, state };
}

const options = { windowBytes: 64 * KiB, minReadBytes: 1 * KiB, maxWindows: 2, streak: 2 };

/** Reads `size` bytes in pieces of `piece` from 0, in order, as an export of consecutive tensors does. */
async function readOn(source: ByteSource, size: number, piece: (i: number) => number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let at = 0, i = 0; at < size; i++) {
    const n = Math.min(piece(i), size - at);
    out.push(await source.read(at, n));
    at += n;
  }
  return out;
}

describe('large sequential reads from windows', () => {
  it('answers every range, in order and at random, window edges included, with the file’s bytes', async () => {
    const bytes = content(1000 * KiB + 77);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(bytes.length), fc.nat(80 * KiB), fc.boolean()), { minLength: 1, maxLength: 40 }),
        async (ranges) => {
          const source = windowedSource(counted(bytes).source, options);
          let at = 0;
          for (const [offset, length, onward] of ranges) {
            // Half the reads run on from the last one (the windowed path), half jump anywhere.
            const start = onward ? Math.min(at, bytes.length) : offset;
            const n = Math.min(length, bytes.length - start);
            const got = await source.read(start, n);
            expect(Buffer.from(got).equals(bytes.subarray(start, start + n))).toBe(true);
            at = start + n;
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reads a file read on in windows, two in flight at most, each byte once', async () => {
    const bytes = content(1000 * KiB);
    const { source, reads, state } = counted(bytes);
    const windowed = windowedSource(source, options);
    // Pieces of 10, 7 and 13 KiB: many cross a window's edge.
    const got = await readOn(windowed, bytes.length, (i) => [10, 7, 13][i % 3]! * KiB);
    expect(Buffer.from(Buffer.concat(got)).equals(bytes)).toBe(true);
    const windows = reads.filter(([, n]) => n === 64 * KiB);
    expect(windows.length).toBeGreaterThanOrEqual(14);
    // Each byte read from the file once: ranges across a window's edge are copied from the two windows.
    const total = reads.reduce((n, [, l]) => n + l, 0);
    expect(total).toBe(bytes.length);
    expect(state.maxInFlight).toBeLessThanOrEqual(2);
    expect(state.maxInFlight).toBe(2);
  });

  it('keeps at most maxWindows windows: reads never run more than one window ahead of the reader', async () => {
    const bytes = content(2000 * KiB);
    const { source, reads } = counted(bytes);
    const windowed = windowedSource(source, options);
    let at = 0;
    for (let i = 0; i < 100; i++, at += 8 * KiB) {
      await windowed.read(at, 8 * KiB);
      const furthest = Math.max(...reads.map(([o, n]) => o + n));
      expect(furthest).toBeLessThanOrEqual(at + 8 * KiB + 2 * 64 * KiB);
    }
  });

  it('hands a range out of a window once: asked again, it is read from the file (a transform may have used it as scratch)', async () => {
    const bytes = content(400 * KiB);
    const { source, reads } = counted(bytes);
    const windowed = windowedSource(source, options);
    await readOn(windowed, 40 * KiB, () => 8 * KiB);
    const first = await windowed.read(40 * KiB, 8 * KiB);
    first.fill(0);
    const before = reads.length;
    const again = await windowed.read(40 * KiB, 8 * KiB);
    expect(reads.length).toBe(before + 1);
    expect(reads.at(-1)).toEqual([40 * KiB, 8 * KiB]);
    expect(Buffer.from(again).equals(bytes.subarray(40 * KiB, 48 * KiB))).toBe(true);
  });

  it('lets its windows go once reads stop', async () => {
    const bytes = content(400 * KiB);
    const { source, reads } = counted(bytes);
    const windowed = windowedSource(source, { ...options, idleMs: 20 });
    await readOn(windowed, 24 * KiB, () => 8 * KiB);
    await windowed.read(30 * KiB, 512);
    const before = reads.length;
    await new Promise((r) => setTimeout(r, 60));
    await windowed.read(30 * KiB, 512);
    expect(reads.length).toBe(before + 1);
  });

  it('leaves small reads and reads larger than a window to the file', async () => {
    const bytes = content(400 * KiB);
    const { source, reads } = counted(bytes);
    const windowed = windowedSource(source, options);
    await readOn(windowed, 4 * KiB, () => 512);
    expect(reads.every(([, n]) => n === 512)).toBe(true);
    await windowed.read(0, 100 * KiB);
    expect(reads.at(-1)).toEqual([0, 100 * KiB]);
  });

  it('answers small reads inside a window with a copy, without reading the file, and leaves the range to large reads', async () => {
    const bytes = content(400 * KiB);
    const { source, reads } = counted(bytes);
    const windowed = windowedSource(source, options);
    await readOn(windowed, 24 * KiB, () => 8 * KiB);
    const before = reads.length;
    const small = await windowed.read(30 * KiB, 512);
    expect(reads.length).toBe(before);
    expect(small.buffer.byteLength).toBe(512);
    small.fill(0);
    const large = await windowed.read(24 * KiB, 8 * KiB);
    expect(reads.length).toBe(before);
    expect(Buffer.from(large).equals(bytes.subarray(24 * KiB, 32 * KiB))).toBe(true);
  });

  it('keeps the mark of a Blob read: a view of a window is that window’s Blob range', async () => {
    const bytes = content(300 * KiB);
    const blob = new Blob([bytes]);
    const windowed = windowedSource(blobSource('shard.data', blob), { ...options, minReadBytes: 1 });
    const got = await readOn(windowed, bytes.length, () => 12 * KiB);
    let at = 0;
    let fromWindows = 0;
    for (const view of got) {
      if (view.buffer.byteLength > view.byteLength) fromWindows++;
      const origin = blobOrigin(view);
      expect(origin?.size).toBe(view.byteLength);
      expect(Buffer.from(await origin!.arrayBuffer()).equals(bytes.subarray(at, at + view.byteLength))).toBe(true);
      at += view.byteLength;
    }
    expect(fromWindows).toBeGreaterThan(got.length / 2);
  });

  it('a failing read rejects with a GraftError that names the file, and the next read tries the file again', async () => {
    const bytes = content(400 * KiB);
    let broken = true;
    const { source } = counted(bytes, (offset) => broken && offset >= 100 * KiB);
    const windowed = windowedSource(source, options);
    const failed = readOn(windowed, 200 * KiB, () => 8 * KiB);
    await expect(failed).rejects.toThrow(GraftError);
    await expect(failed).rejects.toThrow(/^shard\.data: could not be read \(The requested file could not be read\)/);
    broken = false;
    const got = await windowed.read(100 * KiB, 8 * KiB);
    expect(Buffer.from(got).equals(bytes.subarray(100 * KiB, 108 * KiB))).toBe(true);
  });

  it('rejects ranges outside the file as the file does', async () => {
    const windowed = windowedSource(counted(content(1000)).source, options);
    await expect(windowed.read(900, 200)).rejects.toMatchObject({ code: 'truncated', file: 'shard.data' });
  });
});
