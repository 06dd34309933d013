/**
 * Global heap collections ("GCOL", where HDF5 keeps variable-length strings) checked before HDF5 parses them. HDF5
 * walks a collection object by object, each step `begin + need` where `need` comes from the file; a free-space
 * object of size 0 (or, in 32-bit WebAssembly, a size that wraps) never advances and HDF5 loops forever inside
 * WebAssembly. A walk that HDF5 itself would accept lands exactly on the collection's end with every step moving
 * forward, so refusing anything else refuses no file HDF5 can read.
 * Layout: https://docs.hdfgroup.org/hdf5/latest/_f_m_t3.html#GlobalHeap
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

/** Offsets (absolute) where `bytes`, read from `start`, hold the collection signature followed by version 1. */
export function globalHeapSignatures(bytes: Uint8Array, start: number): number[] {
  const out: number[] = [];
  for (let i = bytes.indexOf(SIGNATURE[0]!); i >= 0 && i + 4 <= bytes.length; i = bytes.indexOf(SIGNATURE[0]!, i + 1)) {
    if (bytes[i + 1] === SIGNATURE[1] && bytes[i + 2] === SIGNATURE[2] && bytes[i + 3] === SIGNATURE[3]) out.push(start + i);
  }
  return out;
}

/** Reads of at most this size are scanned: HDF5 loads a collection with a 4 KiB read; large reads are tensor data. */
const SCANNED_READ_BYTES = 4 << 20;

/**
 * `readAt` that checks every global heap collection whose signature passes through it, once, before HDF5 gets the
 * bytes. `onDamage` is told the clause and must throw (the read then fails and HDF5 unwinds with an error).
 */
export function guardGlobalHeaps(readAt: ReadAt, fileSize: number, onDamage: (clause: string) => never): ReadAt {
  const checked = new Set<number>();
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
    return bytes;
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
