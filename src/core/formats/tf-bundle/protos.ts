/**
 * The protocol buffers of a tensor bundle, decoded (protos-read.ts) and encoded (protos-write.ts) by hand, both
 * re-exported here; the text below is what they follow, and what their tests hand protobufjs as the reference.
 * Text from tensorflow/core/protobuf/tensor_bundle.proto, framework/{tensor_shape,tensor_slice,types,versions}.proto
 * and protobuf/trackable_object_graph.proto (fields Graft does not use are left out).
 */

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

export * from './protos-read';
export { encodeEntry, encodeHeader, encodeObjectGraph } from './protos-write';
