/**
 * Hostile HDF5 files (issue 17): each is built here with h5wasm's writer and then damaged, and must give a
 * GraftError naming the file, or a correct listing, quickly and without allocating what the file cannot back.
 */
import h5wasm from 'h5wasm';
import { afterEach, describe, expect, it } from 'vitest';
import { GraftError } from '../../errors';
import { memorySource } from '../../io/byte-source';
import { globalHeapDamage, globalHeapSignatures, guardHeaps, localHeapDamage } from './heap-check';
import { setH5Watchdog } from './watchdog';
import { openKerasH5 } from './read';
import { h5 } from './h5-builder.test-util';

type H5Group = InstanceType<typeof h5wasm.Group>;


/** A Keras 3 `.weights.h5` whose `name` attributes are variable-length strings, kept in a global heap collection. */
const keras3 = () =>
  h5((f) => {
    for (const p of ['layers', 'layers/dense', 'layers/dense/vars']) f.create_group(p);
    const vars = f.get('layers/dense/vars') as H5Group;
    vars.create_attribute('name', 'dense');
    (f.get('layers/dense') as H5Group).create_attribute('name', 'dense');
    vars.create_dataset({ name: '0', data: new Float32Array([1, 2, 3, 4]), shape: [2, 2], dtype: '<f' });
    vars.create_dataset({ name: '1', data: new Float32Array([5, 6]), shape: [2], dtype: '<f' });
  });

const u64 = (b: Uint8Array, at: number, v: number) => new DataView(b.buffer, b.byteOffset).setBigUint64(at, BigInt(v), true);

/** The first collection and its objects: [offset of the object header, its index]. */
function firstHeap(bytes: Uint8Array): { at: number; objects: [number, number][] } {
  const at = globalHeapSignatures(bytes, 0)[0]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const size = Number(view.getBigUint64(at + 8, true));
  const objects: [number, number][] = [];
  for (let p = at + 16; p + 16 <= at + size; ) {
    const index = view.getUint16(p, true);
    const n = Number(view.getBigUint64(p + 8, true));
    objects.push([p, index]);
    if (index === 0) break;
    p += 16 + Math.ceil(n / 8) * 8;
  }
  return { at, objects };
}

/** Opens, lists and reads every readable tensor; the outcome and how long it took. */
async function attempt(name: string, bytes: Uint8Array): Promise<{ error?: GraftError; names?: string[]; ms: number }> {
  const t0 = performance.now();
  try {
    const c = await openKerasH5(memorySource(name, bytes));
    for (const t of c.tensors) if (!c.unreadable?.(t.name)) await c.read(t.name);
    c.close();
    return { names: c.tensors.map((t) => t.name), ms: performance.now() - t0 };
  } catch (e) {
    if (!(e instanceof GraftError)) throw e;
    return { error: e, ms: performance.now() - t0 };
  }
}

afterEach(() => setH5Watchdog(null));

describe('hostile HDF5 files', () => {
  it('a global heap collection whose free-space object has size 0 (HDF5 looped forever on it)', async () => {
    const bytes = await keras3();
    const { objects } = firstHeap(bytes);
    const free = objects.find(([, index]) => index === 0)!;
    u64(bytes, free[0] + 8, 0);
    const got = await attempt('zero-free.weights.h5', bytes);
    expect(got.error?.code).toBe('corrupt');
    expect(got.error?.message).toMatch(/^zero-free\.weights\.h5: object 0 of the global heap collection at offset \d+ claims 0 bytes, which would never end the walk/);
    expect(got.ms).toBeLessThan(2000);
  });

  it('a global heap collection of size 0, and 2 zeroed bytes in an object size (a real Keras file hung on these)', async () => {
    const bytes = await keras3();
    const { at, objects } = firstHeap(bytes);
    const empty = bytes.slice();
    u64(empty, at + 8, 0);
    expect((await attempt('empty-heap.weights.h5', empty)).error?.message).toMatch(/global heap collection at offset \d+ claims 0 bytes, less than its own header/);
    const zeroed = bytes.slice();
    zeroed.fill(0, objects[0]![0] + 8, objects[0]![0] + 10);
    const got = await attempt('zeroed.weights.h5', zeroed);
    expect(got.error?.code).toBe('corrupt');
    expect(got.error?.file).toBe('zeroed.weights.h5');
    expect(got.ms).toBeLessThan(2000);
  });

  it('every 2 bytes of the global heap zeroed in turn, in one h5wasm instance: an error or a listing each time, then a sound file still reads', async () => {
    const bytes = await keras3();
    const { at } = firstHeap(bytes);
    const t0 = performance.now();
    for (let off = at; off < at + 120; off += 2) {
      const damaged = bytes.slice();
      damaged.fill(0, off, off + 2);
      const got = await attempt(`heap-${off}.weights.h5`, damaged);
      expect(got.error ?? got.names).toBeDefined();
    }
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect((await attempt('sound.weights.h5', bytes)).names).toEqual(['layers/dense/vars/0', 'layers/dense/vars/1']);
  });

  it('a collection claiming more than the file holds, or a walk that overruns it, is named', () => {
    const heap = new Uint8Array(64);
    heap.set([0x47, 0x43, 0x4f, 0x4c, 1]);
    u64(heap, 8, 4096);
    const readAt = (o: number, n: number) => heap.subarray(o, o + n);
    expect(globalHeapDamage(readAt, heap.length, 0)).toMatch(/claims 4096 bytes, past the end of the file \(64 bytes\)/);
    u64(heap, 8, 64);
    heap.set([1, 0], 16);
    u64(heap, 24, 1000);
    expect(globalHeapDamage(readAt, heap.length, 0)).toMatch(/object 1 .* claims 1000 bytes, but only 48 remain/);
    u64(heap, 24, 8);
    u64(heap, 40, 24); // the free-space object: header (16) + 8 bytes, to the end
    expect(globalHeapDamage(readAt, heap.length, 0)).toBeNull();
  });

  it('a group holding two hard links to itself is listed once, in linear time', async () => {
    const bytes = await h5((f) => {
      f.create_group('a');
      const a = f.get('a') as H5Group;
      a.create_dataset({ name: 'w', data: new Float32Array([1, 2, 3]), shape: [3], dtype: '<f' });
      a.create_hard_link('/a', 'x');
      a.create_hard_link('/a', 'y');
      f.create_hard_link('/a', 'b');
    });
    const got = await attempt('loop.h5', bytes);
    expect(got.names).toEqual(['a/w']);
    expect(got.ms).toBeLessThan(2000);
  });

  it('a chunked dataset resized to 10^8 elements with nothing written is listed but not read (no 400 MB of fill)', async () => {
    const bytes = await h5((f) => {
      const d = f.create_dataset({ name: 'd', data: new Float32Array(0), shape: [0], maxshape: [null], chunks: [1024], dtype: '<f' });
      d.resize([100_000_000]);
      f.create_dataset({ name: 'small', data: new Float32Array([1, 2]), shape: [2], dtype: '<f' });
    });
    expect(bytes.length).toBeLessThan(20_000);
    const module = (await h5wasm.ready) as unknown as { HEAPU8: Uint8Array };
    const heapBefore = module.HEAPU8.byteLength;
    const c = await openKerasH5(memorySource('resized.h5', bytes));
    expect(c.tensors.map((t) => [t.name, t.shape])).toEqual([['d', [100_000_000]], ['small', [2]]]);
    expect(c.unreadable?.('d')).toMatch(/^claims 400000000 bytes \(shape \[100000000\]\), more than the whole file \(\d+ bytes\) could hold: most of its values were never written/);
    await expect(c.read('d')).rejects.toMatchObject({ code: 'too-large', file: 'resized.h5' });
    expect(c.unreadable?.('small')).toBeUndefined();
    expect(await c.read('small')).toEqual(new Uint8Array(new Float32Array([1, 2]).buffer));
    c.close();
    expect(module.HEAPU8.byteLength - heapBefore).toBeLessThan(64 << 20);
  });

  it('a compressed dataset may claim more than the file, up to what deflate can expand to', async () => {
    const bytes = await h5((f) => {
      f.create_dataset({ name: 'zeros', data: new Float32Array(1 << 20), shape: [1 << 20], chunks: [1 << 16], compression: 'gzip', dtype: '<f' });
      const d = f.create_dataset({ name: 'claim', data: new Float32Array(0), shape: [0], maxshape: [null], chunks: [1024], compression: 'gzip', dtype: '<f' });
      d.resize([100_000_000]);
    });
    expect(bytes.length).toBeLessThan(1 << 20);
    const c = await openKerasH5(memorySource('gzip.h5', bytes));
    expect(c.unreadable?.('zeros')).toBeUndefined();
    expect((await c.read('zeros')).every((b) => b === 0)).toBe(true);
    expect(c.unreadable?.('claim')).toMatch(/^claims 400000000 bytes .* more than 1100 times the whole file \(\d+ bytes\) could hold compressed/);
    c.close();
  });

  it('a dataset larger than one slab reads row slabs into the same bytes', async () => {
    const rows = 300;
    const cols = 16_384; // 64 KiB a row: 19.7 MB, two slabs
    const data = new Float32Array(rows * cols).map((_, i) => (i % 9973) - 17);
    const bytes = await h5((f) => {
      f.create_dataset({ name: 'big', data, shape: [rows, cols], dtype: '<f' });
    });
    const c = await openKerasH5(memorySource('big.h5', bytes));
    const got = await c.read('big');
    const want = new Uint8Array(data.buffer);
    expect(got.length).toBe(want.length);
    expect(got.findIndex((b, i) => b !== want[i])).toBe(-1); // toEqual on 20 MB takes minutes
    c.close();
  });

  it('HDF5 work is reported to the watchdog: busy while it runs, with progress between steps, idle after', async () => {
    const events: string[] = [];
    setH5Watchdog({ busy: (file) => events.push(`busy ${file}`), idle: () => events.push('idle') });
    const c = await openKerasH5(memorySource('watched.weights.h5', await keras3()));
    await c.read('layers/dense/vars/0');
    c.close();
    expect(events.every((e) => e === 'idle' || e === 'busy watched.weights.h5')).toBe(true);
    // open, list (busy again at each step), read: every busy run ends idle.
    expect(events.filter((e) => e === 'idle')).toHaveLength(3);
    expect(events.filter((e) => e !== 'idle').length).toBeGreaterThan(3);
    expect(events.at(-1)).toBe('idle');
  });
});

describe('local heap free lists (a mutated .keras made HDF5 follow one forever, found by npm run fuzz)', () => {
  /** A superblock v0 with 8-byte offsets and lengths, then a local heap at 64 whose 64-byte data segment is at 96. */
  function file(freeHead: number, blocks: [at: number, next: number, size: bigint][]): Uint8Array {
    const b = new Uint8Array(160);
    b.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0, 0, 8, 8]);
    b.set([0x48, 0x45, 0x41, 0x50, 0], 64);
    u64(b, 72, 64);
    u64(b, 80, freeHead);
    u64(b, 88, 96);
    const view = new DataView(b.buffer);
    for (const [at, next, size] of blocks) {
      view.setBigUint64(96 + at, BigInt(next), true);
      view.setBigUint64(96 + at + 8, size, true);
    }
    return b;
  }
  const check = (b: Uint8Array) => localHeapDamage((o, n) => b.slice(o, o + n), b.length, 64);

  it('refuses a block whose size a 32-bit size_t cuts to 0, a block pointing at itself, and one outside the segment', () => {
    expect(check(file(16, [[16, 16, 0xffff000000000000n]]))).toMatch(/block at 16 of 18446462598732840960 bytes, which does not fit its 64-byte data segment/);
    expect(check(file(16, [[16, 16, 16n]]))).toMatch(/comes back to the block at 16, so it never ends/);
    expect(check(file(16, [[16, 40, 16n], [40, 16, 16n]]))).toMatch(/comes back to the block at 16/);
    expect(check(file(56, []))).toMatch(/block at 56, outside its 64-byte data segment/);
  });

  it('accepts an empty list and a list HDF5 writes (blocks in the segment, ending at 1)', () => {
    expect(check(file(1, []))).toBeNull();
    expect(check(file(16, [[16, 40, 16n], [40, 1, 24n]]))).toBeNull();
  });

  it('the read guard refuses the damaged heap when its bytes pass through, before HDF5 gets them', () => {
    const b = file(16, [[16, 16, 16n]]);
    const guarded = guardHeaps((o, n) => b.slice(o, o + n), b.length, (clause) => {
      throw new Error(clause);
    });
    expect(() => guarded(0, 32)).not.toThrow();
    expect(() => guarded(64, 32)).toThrow(/local heap at offset 64 comes back/);
  });
});
