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
  /**
   * TF.js only: the weight is stored quantized (tfjs-core `WeightsManifestEntry.quantization`). `dtype` above is
   * the dequantized dtype; `read` gives the quantized bytes, `readValue` the dequantized ones.
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

export interface Checkpoint {
  /** Format id from the registry, e.g. `tf-bundle`. */
  format: string;
  /** A short label for the person: the prefix, or the main file's name. */
  label: string;
  /** Paths of the files this checkpoint reads. */
  files: string[];
  tensors: TensorInfo[];
  /**
   * The tensor's raw stored bytes, verified against every checksum the format has.
   * Rejects with a GraftError naming the file, the tensor and the offset. `into` (at least `byteLength` bytes) is a
   * hint, as for `ByteSource.read`: the bytes may be read into it (a view of it is returned) or it may be ignored.
   */
  read(name: string, into?: Uint8Array): Promise<Uint8Array>;
  /**
   * The tensor's value as plain little-endian bytes of its listed dtype and shape, where that differs from the
   * stored bytes (a quantized TF.js weight dequantized, a big-endian bundle byte-swapped). Absent: same as `read`.
   */
  readValue?(name: string): Promise<Uint8Array>;
  /** Releases what the reader holds open (h5wasm's file handle); reads fail afterwards. Absent: nothing to release. */
  close?(): void;
  /** Problems that did not stop listing (e.g. a missing data shard), one sentence each. */
  warnings: string[];
  /**
   * The model architecture stored with the weights, as JSON text, where the file has one: a full-model Keras
   * `.h5`'s `model_config` root attribute, a `.keras` archive's `config.json`. For building the new model from it.
   */
  modelConfig?: string;
}
