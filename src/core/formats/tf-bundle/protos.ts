/**
 * The protocol buffers of a tensor bundle, decoded with protobufjs. Text from
 * tensorflow/core/protobuf/tensor_bundle.proto, framework/{tensor_shape,tensor_slice,types,versions}.proto
 * and protobuf/trackable_object_graph.proto (fields Graft does not use are left out; protobufjs skips them).
 */
import protobuf from 'protobufjs';
import { GraftError } from '../../errors';
import { clip } from '../../io/untrusted';
import type { DType } from '../../model/dtypes';

const PROTO = `
syntax = "proto3";
package tensorflow;

message VersionDef { int32 producer = 1; int32 min_consumer = 2; repeated int32 bad_consumers = 3; }

message TensorShapeProto {
  message Dim { int64 size = 1; string name = 2; }
  repeated Dim dim = 2;
  bool unknown_rank = 3;
}

message TensorSliceProto {
  message Extent { int64 start = 1; oneof has_length { int64 length = 2; } }
  repeated Extent extent = 1;
}

message BundleHeaderProto {
  int32 num_shards = 1;
  enum Endianness { LITTLE = 0; BIG = 1; }
  Endianness endianness = 2;
  VersionDef version = 3;
}

message BundleEntryProto {
  int32 dtype = 1;
  TensorShapeProto shape = 2;
  int32 shard_id = 3;
  int64 offset = 4;
  int64 size = 5;
  fixed32 crc32c = 6;
  repeated TensorSliceProto slices = 7;
}

message TrackableObjectGraph {
  message TrackableObject {
    message ObjectReference { int32 node_id = 1; string local_name = 2; }
    message SerializedTensor { string name = 1; string full_name = 2; string checkpoint_key = 3; }
    message SlotVariableReference { int32 original_variable_node_id = 1; string slot_name = 2; int32 slot_variable_node_id = 3; }
    repeated ObjectReference children = 1;
    repeated SerializedTensor attributes = 2;
    repeated SlotVariableReference slot_variables = 3;
  }
  repeated TrackableObject nodes = 1;
}
`;

const root = protobuf.parse(PROTO, { keepCase: true }).root;
const HeaderType = root.lookupType('tensorflow.BundleHeaderProto');
const EntryType = root.lookupType('tensorflow.BundleEntryProto');
const GraphType = root.lookupType('tensorflow.TrackableObjectGraph');

export interface SliceExtent {
  start: number;
  /** -1 for the full extent of that dimension. */
  length: number;
}

export interface BundleHeader {
  numShards: number;
  littleEndian: boolean;
  version: { producer: number; minConsumer: number };
}

export interface BundleEntry {
  dtypeCode: number;
  shape: number[];
  unknownRank: boolean;
  shardId: number;
  offset: number;
  size: number;
  /** As stored: masked. */
  crc32c: number;
  slices: SliceExtent[][];
}

export interface ObjectGraph {
  nodes: {
    children: { node_id: number; local_name: string }[];
    attributes: { name: string; full_name: string; checkpoint_key: string }[];
    slot_variables: { original_variable_node_id: number; slot_name: string; slot_variable_node_id: number }[];
  }[];
}

// tensorflow/core/framework/types.proto, enum DataType
const DTYPES: readonly (DType | undefined)[] = [
  undefined, 'float32', 'float64', 'int32', 'uint8', 'int16', 'int8', 'string', 'complex64', 'int64',
  'bool', 'qint8', 'quint8', 'qint32', 'bfloat16', 'qint16', 'quint16', 'uint16', 'complex128', 'float16',
  'resource', 'variant', 'uint32', 'uint64', 'float8_e5m2', 'float8_e4m3fn', 'float8_e4m3fnuz',
  'float8_e4m3b11fnuz', 'float8_e5m2fnuz', 'int4', 'uint4', 'int2', 'uint2',
];

export function dtypeFromCode(code: number): DType | undefined {
  return DTYPES[code];
}

export function dtypeToCode(dtype: DType): number {
  const i = DTYPES.indexOf(dtype);
  if (i <= 0) throw new RangeError(`no TensorFlow DataType for ${dtype}`);
  return i;
}

/** TF's enum name for a Graft dtype, e.g. `DT_FLOAT` for float32. */
export function tfDtypeName(code: number): string {
  const names = [
    'DT_INVALID', 'DT_FLOAT', 'DT_DOUBLE', 'DT_INT32', 'DT_UINT8', 'DT_INT16', 'DT_INT8', 'DT_STRING', 'DT_COMPLEX64',
    'DT_INT64', 'DT_BOOL', 'DT_QINT8', 'DT_QUINT8', 'DT_QINT32', 'DT_BFLOAT16', 'DT_QINT16', 'DT_QUINT16', 'DT_UINT16',
    'DT_COMPLEX128', 'DT_HALF', 'DT_RESOURCE', 'DT_VARIANT', 'DT_UINT32', 'DT_UINT64', 'DT_FLOAT8_E5M2',
    'DT_FLOAT8_E4M3FN', 'DT_FLOAT8_E4M3FNUZ', 'DT_FLOAT8_E4M3B11FNUZ', 'DT_FLOAT8_E5M2FNUZ', 'DT_INT4', 'DT_UINT4',
    'DT_INT2', 'DT_UINT2',
  ];
  return names[code] ?? `DataType ${code}`;
}

const OBJECT_OPTIONS = { longs: String, enums: Number, defaults: true, arrays: true, oneofs: false } as const;

function decode(type: protobuf.Type, bytes: Uint8Array, file: string, what: string): Record<string, unknown> {
  try {
    return type.toObject(type.decode(bytes), OBJECT_OPTIONS);
  } catch (cause) {
    throw new GraftError('corrupt', file, `${what} is not a valid ${type.name} — the file is damaged or not a TensorFlow checkpoint`, { cause });
  }
}

/** An int64 from protobufjs (a decimal string) as a safe integer, or a 'too-large' error. */
function int64(v: unknown, file: string, what: string, allowNegative = false): number {
  const n = Number(v ?? 0);
  if (!Number.isSafeInteger(n) || (!allowNegative && n < 0)) {
    throw new GraftError('too-large', file, `${what} is ${String(v)}, outside the range Graft can address — the index is damaged`);
  }
  return n;
}

export function decodeHeader(bytes: Uint8Array, file: string): BundleHeader {
  const o = decode(HeaderType, bytes, file, 'the header entry (key "")');
  const version = (o.version ?? {}) as Record<string, number>;
  return {
    numShards: Number(o.num_shards),
    littleEndian: Number(o.endianness) === 0,
    version: { producer: Number(version.producer ?? 0), minConsumer: Number(version.min_consumer ?? 0) },
  };
}

export function decodeEntry(bytes: Uint8Array, file: string, key: string): BundleEntry {
  const what = `the entry for "${clip(key)}"`;
  const o = decode(EntryType, bytes, file, what);
  const shape = (o.shape ?? { dim: [], unknown_rank: false }) as { dim: { size: unknown }[]; unknown_rank: boolean };
  const slices = (o.slices as { extent: { start: unknown; length?: unknown }[] }[]).map((s) =>
    s.extent.map((e) => ({
      start: int64(e.start, file, `a slice start of ${what}`),
      length: e.length === undefined || e.length === null ? -1 : int64(e.length, file, `a slice length of ${what}`, true),
    })),
  );
  return {
    dtypeCode: Number(o.dtype),
    shape: shape.dim.map((d) => int64(d.size, file, `a dimension of ${what}`, true)),
    unknownRank: Boolean(shape.unknown_rank),
    shardId: Number(o.shard_id),
    offset: int64(o.offset, file, `the offset of ${what}`),
    size: int64(o.size, file, `the size of ${what}`),
    crc32c: Number(o.crc32c) >>> 0,
    slices,
  };
}

export function decodeObjectGraph(bytes: Uint8Array, file: string): ObjectGraph {
  return decode(GraphType, bytes, file, 'the object graph (_CHECKPOINTABLE_OBJECT_GRAPH)') as unknown as ObjectGraph;
}

/** The serialised TrackableObjectGraph of an object-based checkpoint (the `_CHECKPOINTABLE_OBJECT_GRAPH` string). */
export function encodeObjectGraph(graph: ObjectGraph): Uint8Array {
  return GraphType.encode(GraphType.fromObject(graph)).finish();
}

/** Serialises like C++ proto3: zero-valued scalar fields are left out. */
export function encodeHeader(h: { numShards: number; littleEndian: boolean; producer?: number }): Uint8Array {
  const o: Record<string, unknown> = {};
  if (h.numShards) o.num_shards = h.numShards;
  if (!h.littleEndian) o.endianness = 1;
  o.version = { producer: h.producer ?? 1 };
  return HeaderType.encode(HeaderType.fromObject(o)).finish();
}

export function encodeEntry(e: Omit<BundleEntry, 'unknownRank'>): Uint8Array {
  const o: Record<string, unknown> = {};
  if (e.dtypeCode) o.dtype = e.dtypeCode;
  o.shape = { dim: e.shape.map((size) => (size ? { size } : {})) };
  if (e.shardId) o.shard_id = e.shardId;
  if (e.offset) o.offset = e.offset;
  if (e.size) o.size = e.size;
  if (e.crc32c) o.crc32c = e.crc32c >>> 0;
  if (e.slices.length) {
    o.slices = e.slices.map((s) => ({
      extent: s.map((x) => {
        const ext: Record<string, number> = {};
        if (x.start) ext.start = x.start;
        if (x.length >= 0) ext.length = x.length;
        return ext;
      }),
    }));
  }
  return EntryType.encode(EntryType.fromObject(o)).finish();
}
