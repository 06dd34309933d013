import type { DType } from '../model/dtypes';
import type { ByteSource } from './byte-source';

/** One output file being written, chunk by chunk; `write` may keep the chunk only until it resolves. */
export interface FileSink {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
  /**
   * Appends `length` bytes of `source` from `offset` without them passing through memory (the CLI: a kernel copy of
   * the input file), or answers false and changes nothing. The caller vouches for the bytes (it checks their CRC).
   */
  copyRange?(source: ByteSource, offset: number, length: number): Promise<boolean>;
  /** Overwrites bytes the file already holds, at `offset` (a file that started as a copy: see `CheckpointWriter.plan`). */
  writeAt?(chunk: Uint8Array, offset: number): Promise<void>;
}

/**
 * Where an export's files go: a folder on disk (CLI: written beside the destination and moved into place only
 * when complete), a zip or disk-backed Blob download (page), or memory (tests). Paths use `/`.
 */
export interface OutputFolder {
  create(path: string): Promise<FileSink>;
}

/**
 * A tensor as the engine hands it to a writer: plain little-endian bytes of its dtype and shape. A `string`
 * tensor comes in TF's stored string encoding (varint lengths, masked CRC32C of the lengths, the bytes), as a
 * TF bundle stores it.
 */
export interface OutputTensor {
  name: string;
  dtype: DType;
  shape: number[];
  bytes: Uint8Array;
  /**
   * The unmasked CRC32C of `bytes`, when the engine already knows it (an exact copy out of a TF bundle, verified
   * against its entry on read). Writers that checksum may use it instead of another pass over the bytes.
   */
  crc32c?: number;
}

/**
 * A checkpoint writer for one format. The engine adds every tensor of the new model once, in plan order, then
 * calls `finish`, which writes what must come last (an index, a manifest). Writers stream: they do not keep
 * tensor bytes after `add` resolves.
 */
export interface CheckpointWriter {
  add(tensor: OutputTensor): Promise<void>;
  finish(): Promise<void>;
  /**
   * What the writer had to change or leave out to fit its format (an int64 stored as int32 in TF.js, a bfloat16
   * widened to float32), one sentence each; complete once `finish` resolved. The CLI and the page show them.
   */
  readonly notes?: readonly string[];
  /**
   * The key each added tensor was stored under, by the tensor's name: its name in the file exactly as the format's
   * reader lists it (TF index key, TF.js manifest name, HDF5 dataset path, safetensors key). A tensor the writer left
   * out has none. Complete once `finish` resolved; every format writer has it (FormatWriter).
   */
  readonly storedKeys?: ReadonlyMap<string, string>;
  /**
   * Adds a tensor whose bytes are a stored range of an input file, without reading them, where the writer's output
   * can take that range as it lies (FileSink.copyRange); false: nothing was added, the caller adds the bytes instead.
   * The caller checks the range against `crc32c` before the export counts as done.
   */
  addStored?(tensor: StoredTensor): Promise<boolean>;
  /**
   * Told once, before the first add, what is to come: lets a writer that takes stored ranges lay its output out
   * around them (a TF data file that is a copy of the input's, changed tensors written over their old bytes).
   */
  plan?(tensors: readonly PlannedTensor[]): Promise<void>;
}

/** A range of an input file that holds a tensor's stored bytes. */
export interface StoredRange {
  source: ByteSource;
  offset: number;
  byteLength: number;
}

/** A tensor the engine will add: its size where known, the range it is an exact copy of, the ranges it is made from. */
export interface PlannedTensor {
  name: string;
  byteLength: number | undefined;
  stored: StoredRange | undefined;
  sources: readonly StoredRange[];
}

/** A tensor as a range of an input file: its stored bytes equal `OutputTensor.bytes`, their unmasked CRC32C given. */
export interface StoredTensor extends Omit<OutputTensor, 'bytes' | 'crc32c'> {
  source: ByteSource;
  offset: number;
  byteLength: number;
  crc32c: number;
}

/** An OutputFolder in memory, for tests and small exports. */
export class MemoryFolder implements OutputFolder {
  readonly files = new Map<string, Uint8Array>();

  async create(path: string): Promise<FileSink> {
    const chunks: Uint8Array[] = [];
    return {
      write: async (chunk) => {
        chunks.push(chunk.slice());
      },
      close: async () => {
        const size = chunks.reduce((n, c) => n + c.byteLength, 0);
        const out = new Uint8Array(size);
        let at = 0;
        for (const c of chunks) {
          out.set(c, at);
          at += c.byteLength;
        }
        this.files.set(path, out);
      },
    };
  }
}
