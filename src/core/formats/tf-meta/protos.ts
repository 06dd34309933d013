/**
 * The protocol buffers of a TF1 MetaGraph and a SavedModel, decoded with protobufjs. Text from
 * tensorflow/core/protobuf/{meta_graph,saved_model,saver}.proto and core/framework/{graph,node_def,attr_value,
 * tensor,tensor_shape,variable}.proto; only the fields Graft reads (protobufjs skips the others: the op list, the
 * function library, signatures, the object graph). The schema is parsed on first use, not when the page loads.
 */
import protobuf from 'protobufjs';
import { GraftError } from '../../errors';

const PROTO = `
syntax = "proto3";
package tensorflow;

message TensorShapeProto {
  message Dim { int64 size = 1; }
  repeated Dim dim = 2;
  bool unknown_rank = 3;
}

message TensorProto {
  int32 dtype = 1;
  TensorShapeProto tensor_shape = 2;
  bytes tensor_content = 4;
  repeated int32 half_val = 13;
  repeated float float_val = 5;
  repeated double double_val = 6;
  repeated int32 int_val = 7;
  repeated bytes string_val = 8;
  repeated int64 int64_val = 10;
  repeated bool bool_val = 11;
}

message AttrValue {
  message ListValue {
    repeated bytes s = 2;
    repeated int64 i = 3;
    repeated float f = 4;
    repeated int32 type = 6;
    repeated TensorShapeProto shape = 7;
  }
  oneof value {
    ListValue list = 1;
    bytes s = 2;
    int64 i = 3;
    float f = 4;
    bool b = 5;
    int32 type = 6;
    TensorShapeProto shape = 7;
    TensorProto tensor = 8;
  }
}

message NodeDef {
  string name = 1;
  string op = 2;
  repeated string input = 3;
  map<string, AttrValue> attr = 5;
}

message GraphDef { repeated NodeDef node = 1; }

message MetaInfoDef {
  string meta_graph_version = 1;
  repeated string tags = 4;
  string tensorflow_version = 5;
}

message SaverDef {
  string filename_tensor_name = 1;
  string save_tensor_name = 2;
  string restore_op_name = 3;
  bool sharded = 5;
  int32 version = 7;
}

message CollectionDef {
  message NodeList { repeated string value = 1; }
  message BytesList { repeated bytes value = 1; }
  oneof kind {
    NodeList node_list = 1;
    BytesList bytes_list = 2;
  }
}

message MetaGraphDef {
  MetaInfoDef meta_info_def = 1;
  GraphDef graph_def = 2;
  SaverDef saver_def = 3;
  map<string, CollectionDef> collection_def = 4;
  bytes object_graph_def = 7;
}

message SavedModel {
  int64 saved_model_schema_version = 1;
  repeated MetaGraphDef meta_graphs = 2;
}

message SaveSliceInfoDef {
  string full_name = 1;
  repeated int64 full_shape = 2;
  repeated int64 var_offset = 3;
  repeated int64 var_shape = 4;
}

message VariableDef {
  string variable_name = 1;
  string initial_value_name = 6;
  string initializer_name = 2;
  string snapshot_name = 3;
  SaveSliceInfoDef save_slice_info_def = 4;
  bool is_resource = 5;
  bool trainable = 7;
}
`;

/** A 64-bit integer as protobufjs gives it: a number, or a Long (`long` is installed beside protobufjs). */
export type Int64 = number | { toNumber(): number; toString(): string };

export interface ShapeProto {
  dim: { size: Int64 }[];
  unknown_rank: boolean;
}

export interface TensorProtoMsg {
  dtype: number;
  tensor_shape: ShapeProto | null;
  tensor_content: Uint8Array;
  half_val: number[];
  float_val: number[];
  double_val: number[];
  int_val: number[];
  string_val: Uint8Array[];
  int64_val: Int64[];
  bool_val: boolean[];
}

export interface AttrValueMsg {
  list?: { s: Uint8Array[]; i: Int64[]; f: number[]; type: number[]; shape: ShapeProto[] } | null;
  s?: Uint8Array;
  i?: Int64;
  f?: number;
  b?: boolean;
  type?: number;
  shape?: ShapeProto | null;
  tensor?: TensorProtoMsg | null;
}

export interface NodeDefMsg {
  name: string;
  op: string;
  input: string[];
  attr: Record<string, AttrValueMsg>;
}

export interface CollectionDefMsg {
  node_list?: { value: string[] } | null;
  bytes_list?: { value: Uint8Array[] } | null;
}

export interface MetaGraphMsg {
  meta_info_def: { meta_graph_version: string; tags: string[]; tensorflow_version: string } | null;
  graph_def: { node: NodeDefMsg[] } | null;
  saver_def: { filename_tensor_name: string; save_tensor_name: string; restore_op_name: string; sharded: boolean; version: number } | null;
  collection_def: Record<string, CollectionDefMsg>;
  object_graph_def: Uint8Array;
}

export interface VariableDefMsg {
  variable_name: string;
  initial_value_name: string;
  initializer_name: string;
  snapshot_name: string;
  save_slice_info_def: { full_name: string; full_shape: Int64[]; var_offset: Int64[]; var_shape: Int64[] } | null;
  is_resource: boolean;
  trainable: boolean;
}

let types: { meta: protobuf.Type; saved: protobuf.Type; variable: protobuf.Type } | null = null;

function schema() {
  if (!types) {
    const root = protobuf.parse(PROTO, { keepCase: true }).root;
    types = {
      meta: root.lookupType('tensorflow.MetaGraphDef'),
      saved: root.lookupType('tensorflow.SavedModel'),
      variable: root.lookupType('tensorflow.VariableDef'),
    };
  }
  return types;
}

function decode<T>(type: protobuf.Type, bytes: Uint8Array, file: string, what: string): T {
  try {
    return type.decode(bytes) as unknown as T;
  } catch (cause) {
    // protobufjs throws RangeError on a length past the end, Error on a bad wire type; a stack overflow on
    // absurdly nested groups is a RangeError too. All mean the same thing to the person.
    throw new GraftError('corrupt', file, `${what} is not a valid ${type.name} — the file is truncated, damaged or not a TensorFlow MetaGraph`, { cause });
  }
}

export function decodeMetaGraph(bytes: Uint8Array, file: string): MetaGraphMsg {
  return decode<MetaGraphMsg>(schema().meta, bytes, file, 'the file');
}

export function decodeSavedModel(bytes: Uint8Array, file: string): { meta_graphs: MetaGraphMsg[] } {
  return decode<{ meta_graphs: MetaGraphMsg[] }>(schema().saved, bytes, file, 'the file');
}

export function decodeVariableDef(bytes: Uint8Array, file: string, collection: string): VariableDefMsg {
  return decode<VariableDefMsg>(schema().variable, bytes, file, `an entry of collection "${collection}"`);
}

/** An int64 field as a safe integer, or a 'too-large' error naming what it is. */
export function int64(v: Int64 | undefined | null, file: string, what: string): number {
  const n = v === undefined || v === null ? 0 : typeof v === 'number' ? v : Number(v.toString());
  if (!Number.isSafeInteger(n)) throw new GraftError('too-large', file, `${what} is ${String(v)}, outside the range Graft can address — the file is damaged`);
  return n;
}
