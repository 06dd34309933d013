/** Byte-level builders for bad-input tests: valid bundles from the writer, then damaged on purpose. */
import { memorySource, type ByteSource } from '../../io/byte-source';
import { putFixed32, putVarint } from './cursor';
import { crc32c, maskCrc } from './crc32c';
import { dataFileName } from './naming';
import { TABLE_MAGIC_HI, TABLE_MAGIC_LO } from './table';
import { writeTfBundle, type WriteOptions, type WriteTensor } from './write';

export const f32 = (...values: number[]): Uint8Array => new Uint8Array(new Float32Array(values).buffer);

export interface Built {
  index: Uint8Array;
  shards: Uint8Array[];
  files: ByteSource[];
}

/** A bundle `dir/ck` as dropped files; `edit` may damage the bytes before they become sources. */
export function built(tensors: WriteTensor[], options: WriteOptions = {}, edit?: (b: { index: Uint8Array; shards: Uint8Array[] }) => void): Built {
  const { index, shards } = writeTfBundle(tensors, options);
  edit?.({ index, shards });
  const files = [memorySource('dir/ck.index', index), ...shards.map((s, i) => memorySource(`dir/${dataFileName('ck', i, shards.length)}`, s))];
  return { index, shards, files };
}

export const simple = (): WriteTensor[] => [
  { name: 'dense/kernel', dtype: 'float32', shape: [2, 2], bytes: f32(1, 2, 3, 4) },
  { name: 'dense/bias', dtype: 'float32', shape: [2], bytes: f32(5, 6) },
];

function block(contents: Uint8Array, type = 0): Uint8Array {
  const out = new Uint8Array(contents.byteLength + 5);
  out.set(contents);
  out[contents.byteLength] = type;
  new DataView(out.buffer).setUint32(contents.byteLength + 1, maskCrc(crc32c(out.subarray(0, contents.byteLength + 1))), true);
  return out;
}

/**
 * A table whose single data block holds `contents` as given (with a valid checksum), so that the
 * block's own structure can be damaged. `footerHandles` replaces the footer's handles.
 */
export function tableWithDataBlock(contents: Uint8Array, opts: { type?: number; footer?: number[]; repeatHandle?: number } = {}): Uint8Array {
  const data = block(contents, opts.type ?? 0);
  const meta = block(Uint8Array.from([0, 0, 0, 0, 1, 0, 0, 0]));
  const handle: number[] = [];
  putVarint(handle, 0);
  putVarint(handle, contents.byteLength);
  const idx: number[] = [];
  const restarts: number[] = [];
  for (let i = 0; i < (opts.repeatHandle ?? 1); i++) {
    restarts.push(idx.length);
    idx.push(0, 1, handle.length, 0x61 + i, ...handle);
  }
  for (const r of restarts) putFixed32(idx, r);
  putFixed32(idx, restarts.length);
  const index = block(Uint8Array.from(idx));
  const footer: number[] = [];
  if (opts.footer) footer.push(...opts.footer);
  else {
    putVarint(footer, data.byteLength);
    putVarint(footer, 8);
    putVarint(footer, data.byteLength + meta.byteLength);
    putVarint(footer, index.byteLength - 5);
  }
  while (footer.length < 40) footer.push(0);
  putFixed32(footer, TABLE_MAGIC_LO);
  putFixed32(footer, TABLE_MAGIC_HI);
  const out = new Uint8Array(data.byteLength + meta.byteLength + index.byteLength + 48);
  out.set(data, 0);
  out.set(meta, data.byteLength);
  out.set(index, data.byteLength + meta.byteLength);
  out.set(Uint8Array.from(footer), out.byteLength - 48);
  return out;
}
