import type { DType } from './dtypes';

/** What a variable is for: model weights are what people graft; the rest is grouped apart. */
export type VariableKind = 'weight' | 'optimizer' | 'bookkeeping';

export interface TensorInfo {
  /** The key exactly as stored in its file (TF index key, TF.js manifest name, HDF5 path, ...). */
  name: string;
  dtype: DType;
  /** [] for a scalar. */
  shape: number[];
  /** Bytes as stored (for strings: the stored encoding, varint lengths + checksum + bytes). */
  byteLength: number;
  kind: VariableKind;
  /** Scope used for grouping in lists and on the canvas, e.g. `dense_1` or `optimizer`. */
  group: string;
  /** Readable path from a TF2 object graph, e.g. `layer_with_weights-0/kernel`. */
  path?: string;
  /** The variable's original full name where the file records it, e.g. `dense/kernel`. */
  originalName?: string;
  trainable?: boolean;
  /** TF graphs only: the op that first computes with the variable (`MatMul`, `Conv2D`, `FusedBatchNormV3`…). */
  consumerOp?: string;
  /**
   * TF.js only: the weight is stored quantized (tfjs-core `WeightsManifestEntry.quantization`). `dtype` above is
   * the dequantized dtype; `read` gives the quantized bytes, `readValue` the dequantized value.
   */
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number };
  /**
   * Keras HDF5 / `.keras` only: the Keras layer that owns the weight (`dense` for `layers/dense/vars/0` and for
   * `model_weights/dense/dense/kernel:0`) and the weight's position in that layer's weight list (`vars/<i>`, or its
   * index in the layer's `weight_names`), so a matcher can pair it with the layer's i-th weight in a model config.
   */
  layer?: string;
  weightIndex?: number;
}

/** A tensor's value as `Checkpoint.readValue` gives it. */
export interface TensorValue {
  /**
   * Plain little-endian bytes of the listed dtype and shape, in C order. A `string` tensor comes in TF's stored string
   * encoding, little-endian (varint lengths, the masked CRC32C of the lengths, the bytes): the form `OutputTensor`
   * takes, whatever the file stored.
   */
  bytes: Uint8Array;
  /**
   * The unmasked CRC32C of `bytes`, where the reader already verified it on read (an unpartitioned tensor of a
   * little-endian TF bundle), so a writer that checksums need not pass over the bytes again.
   */
  crc32c?: number;
}

export interface Checkpoint {
  /** Format id from the registry, e.g. `tf-bundle`. */
  format: string;
  /** A short label for the person: the prefix, or the main file's name. */
  label: string;
  /** Paths of the files this checkpoint reads. */
  files: string[];
  tensors: TensorInfo[];
  /**
   * The tensor's raw stored bytes, verified against every checksum the format has (what `sha256` in `inspect` hashes:
   * quantized bytes for a quantized TF.js weight, big-endian numbers from a big-endian file). Rejects with a GraftError
   * naming the file, the tensor and the offset. `into` (at least `byteLength` bytes) is a hint, as for
   * `ByteSource.read`: the bytes may be read into it (a view of it is returned) or it may be ignored.
   */
  read(name: string, into?: Uint8Array): Promise<Uint8Array>;
  /**
   * The tensor's value, the one form everything outside `formats/` works on (engine, inspector, CLI, previews): see
   * `TensorValue`. Each reader turns its own encoding into it (a big-endian bundle or `.npy` swapped, a quantized
   * TF.js weight dequantized, TF.js strings re-encoded) and returns the stored bytes untouched where they already are
   * the value, so exact copies stay bit for bit. A dtype with no value Graft can copy (resource, variant) rejects
   * with an 'unsupported' GraftError. `into` is a hint, as for `read`.
   */
  readValue(name: string, into?: Uint8Array): Promise<TensorValue>;
  /** Releases what the reader holds open (h5wasm's file handle); reads fail afterwards. Absent: nothing to release. */
  close?(): void;
  /**
   * Why a listed tensor's bytes cannot be read, found without reading them (its data file missing, its byte range
   * past the end of its file), as a clause ("its data file … was not dropped"); undefined when nothing stands in the
   * way. Absent: the reader refuses such files when opening them, so every listed tensor can be read.
   */
  unreadable?(name: string): string | undefined;
  /** Problems that did not stop listing (e.g. a missing data shard), one sentence each. */
  warnings: string[];
  /**
   * The model architecture stored with the weights, as JSON text, where the file has one: a full-model Keras
   * `.h5`'s `model_config` root attribute, a `.keras` archive's `config.json`. For building the new model from it.
   */
  modelConfig?: string;
}
