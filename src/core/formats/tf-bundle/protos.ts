/**
 * The protocol buffers of a tensor bundle, encoded with protobufjs (for writing; reading decodes by hand in
 * protos-read.ts, re-exported here). Text from tensorflow/core/protobuf/tensor_bundle.proto,
 * framework/{tensor_shape,tensor_slice,types,versions}.proto and protobuf/trackable_object_graph.proto (fields Graft
 * does not use are left out).
 */
import protobuf from 'protobufjs';
import type { BundleEntry, ObjectGraph } from './protos-read';

export const BUNDLE_PROTO = `
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

const root = protobuf.parse(BUNDLE_PROTO, { keepCase: true }).root;
const HeaderType = root.lookupType('tensorflow.BundleHeaderProto');
const EntryType = root.lookupType('tensorflow.BundleEntryProto');
const GraphType = root.lookupType('tensorflow.TrackableObjectGraph');

export * from './protos-read';

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
