/**
 * Global heap collections ("GCOL", where HDF5 keeps variable-length strings) checked before HDF5 parses them. HDF5
 * walks a collection object by object, each step `begin + need` where `need` comes from the file; a free-space
 * object of size 0 (or, in 32-bit WebAssembly, a size that wraps) never advances and HDF5 loops forever inside
 * WebAssembly. A walk that HDF5 itself would accept lands exactly on the collection's end with every step moving
 * forward, so refusing anything else refuses no file HDF5 can read.
 * Local heaps ("HEAP", a group's link names) have a free list HDF5 follows the same way (localHeapDamage).
 * Layout: https://docs.hdfgroup.org/hdf5/latest/_f_m_t3.html#GlobalHeap and #LocalHeap
 */

const SIGNATURE = [0x47, 0x43, 0x4f, 0x4c]; // "GCOL"
const HEADER = 16; // signature, version, 3 reserved, 8-byte collection size
const OBJECT_HEADER = 16; // index (2), reference count (2), reserved (4), 8-byte object size

/** Reads `length` bytes at `offset`; past the end of the file HDF5 sees zeros, and so does this check. */
export type ReadAt = (offset: number, length: number) => Uint8Array;

const u64 = (b: Uint8Array, at: number): number => {
  let v = 0;
  for (let i = 7; i >= 0; i--) v = v * 256 + b[at + i]!;
  return v;
};

/**
 * Why the collection at `offset` would stop HDF5 (a clause), or null when HDF5 can walk it. `fileSize` bounds
 * every claim: a collection is written whole, so one that runs past the end of the file is damaged.
 */
export function globalHeapDamage(readAt: ReadAt, fileSize: number, offset: number): string | null {
  if (offset + HEADER > fileSize) return `the global heap collection at offset ${offset} is cut off by the end of the file`;
  const head = readAt(offset, HEADER);
  if (head[4] !== 1) return null; // another version: HDF5 refuses it itself
  const size = u64(head, 8);
  if (size < HEADER + OBJECT_HEADER) return `the global heap collection at offset ${offset} claims ${size} bytes, less than its own header`;
  if (offset + size > fileSize) {
    return `the global heap collection at offset ${offset} claims ${size} bytes, past the end of the file (${fileSize} bytes)`;
  }
  const heap = readAt(offset, size);
  let p = HEADER;
  while (p < size) {
    if (p + OBJECT_HEADER > size) return null; // a tail too short for an object header is free space
    const index = heap[p]! | (heap[p + 1]! << 8);
    const objectSize = u64(heap, p + 8);
    // The free-space object (index 0) counts its own header; the others are padded to 8 bytes.
    const need = index === 0 ? objectSize : OBJECT_HEADER + Math.ceil(objectSize / 8) * 8;
    if (need <= 0 || need > size - p) {
      return `object ${index} of the global heap collection at offset ${offset} claims ${objectSize} bytes, ${need <= 0 ? 'which would never end the walk' : `but only ${size - p} remain in the collection`}`;
    }
    p += need;
  }
  return null;
}

/** Offsets (absolute) where `bytes`, read from `start`, hold the collection signature ("GCOL", or `signature`). */
export function globalHeapSignatures(bytes: Uint8Array, start: number, signature: readonly number[] = SIGNATURE): number[] {
  const out: number[] = [];
  for (let i = bytes.indexOf(signature[0]!); i >= 0 && i + 4 <= bytes.length; i = bytes.indexOf(signature[0]!, i + 1)) {
    if (bytes[i + 1] === signature[1] && bytes[i + 2] === signature[2] && bytes[i + 3] === signature[3]) out.push(start + i);
  }
  return out;
}

const LOCAL_SIGNATURE = [0x48, 0x45, 0x41, 0x50]; // "HEAP"
const LOCAL_HEADER = 32; // signature, version 0, 3 reserved, data segment size, free list head, data segment address
const FREE_NULL = 1; // H5HL_FREE_NULL: the end of the free list
const FREE_BLOCK = 16; // a free block starts with the offset of the next one and its own size

/**
 * Why the free list of the local heap (a group's link names) at `offset` would stop HDF5, or null. HDF5 follows it
 * block by block, allocating each (H5HL__fl_deserialize); a block pointing back at itself, or a size that its 32-bit
 * `size_t` cuts to one that passes HDF5's own bound, makes it follow the list forever until memory runs out. A list
 * HDF5 can read ends at FREE_NULL, visits each block once and keeps every block inside the data segment, so refusing
 * anything else refuses no readable file. Only checked where the header is sound: otherwise HDF5 refuses it itself.
 * Assumes 8-byte offsets and lengths (the caller checks the superblock).
 */
export function localHeapDamage(readAt: ReadAt, fileSize: number, offset: number): string | null {
  if (offset + LOCAL_HEADER > fileSize) return null;
  const head = readAt(offset, LOCAL_HEADER);
  if (head[4] !== 0 || head[5] !== 0 || head[6] !== 0 || head[7] !== 0) return null;
  const size = u64(head, 8);
  const data = u64(head, 24);
  if (size > fileSize || data + size > fileSize) return null; // past the end of the file: HDF5 cannot read it and says so
  const seen = new Set<number>();
  for (let block = u64(head, 16); block !== FREE_NULL;) {
    const where = `the free list of the local heap at offset ${offset}`;
    if (block + FREE_BLOCK > size) return `${where} has a block at ${block}, outside its ${size}-byte data segment`;
    if (seen.has(block)) return `${where} comes back to the block at ${block}, so it never ends`;
    seen.add(block);
    const entry = readAt(data + block, FREE_BLOCK);
    const blockSize = u64(entry, 8);
    if (blockSize < FREE_BLOCK || block + blockSize > size) {
      const exact = new DataView(entry.buffer, entry.byteOffset).getBigUint64(8, true);
      return `${where} has a block at ${block} of ${exact} bytes, which does not fit its ${size}-byte data segment`;
    }
    block = u64(entry, 0);
  }
  return null;
}

/** Whether the superblock at the start of the file says 8-byte offsets and lengths (what the heap checks read). */
export function eightByteSizes(readAt: ReadAt, fileSize: number): boolean {
  if (fileSize < 16) return false;
  const b = readAt(0, 16);
  if (![0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a].every((x, i) => b[i] === x)) return false;
  const [offsets, lengths] = b[8]! <= 1 ? [b[13], b[14]] : [b[9], b[10]];
  return offsets === 8 && lengths === 8;
}

/** Reads of at most this size are scanned: HDF5 loads a collection with a 4 KiB read; large reads are tensor data. */
const SCANNED_READ_BYTES = 4 << 20;

/**
 * `readAt` that checks every global heap collection and local heap whose signature passes through it, once, before
 * HDF5 gets the bytes. `onDamage` is told the clause and must throw (the read then fails and HDF5 unwinds with an error).
 */
export function guardHeaps(readAt: ReadAt, fileSize: number, onDamage: (clause: string) => never): ReadAt {
  const checked = new Set<number>();
  let local: boolean | undefined;
  return (offset, length) => {
    const bytes = readAt(offset, length);
    if (length > SCANNED_READ_BYTES) return bytes;
    // Three bytes before the read, so a signature split across two reads is still seen.
    const back = Math.min(3, offset);
    const window = back > 0 ? concat(readAt(offset - back, back), bytes) : bytes;
    for (const at of globalHeapSignatures(window, offset - back)) {
      if (checked.has(at)) continue;
      checked.add(at);
      const damage = globalHeapDamage(readAt, fileSize, at);
      if (damage) onDamage(damage);
    }
    local ??= eightByteSizes(readAt, fileSize);
    for (const at of local ? globalHeapSignatures(window, offset - back, LOCAL_SIGNATURE) : []) {
      if (checked.has(at)) continue;
      checked.add(at);
      const damage = localHeapDamage(readAt, fileSize, at);
      if (damage) onDamage(damage);
    }
    return bytes;
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
