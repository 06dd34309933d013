/**
 * Test helper: hand-made MetaGraphDefs for bad-input cases, encoded with protobufjs from the field numbers of
 * tensorflow/core/protobuf/meta_graph.proto (only what the cases need).
 */
import protobuf from 'protobufjs';

const root = protobuf.parse(
  `syntax = "proto3";
message Dim { int64 size = 1; }
message Shape { repeated Dim dim = 2; }
message Tensor { int32 dtype = 1; Shape tensor_shape = 2; bytes tensor_content = 4; repeated float float_val = 5; repeated bytes string_val = 8; }
message Attr { oneof value { int32 type = 6; Shape shape = 7; Tensor tensor = 8; } }
message Node { string name = 1; string op = 2; repeated string input = 3; map<string, Attr> attr = 5; }
message Graph { repeated Node node = 1; }
message Saver { string save_tensor_name = 2; }
message Bytes { repeated bytes value = 1; }
message Collection { Bytes bytes_list = 2; }
message Meta { Graph graph_def = 2; Saver saver_def = 3; map<string, Collection> collection_def = 4; }`,
  { keepCase: true },
).root;

export interface NodeSpec {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, unknown>;
}

export const FLOAT = 1;
export const STRING = 7;

export const shape = (dims: number[]) => ({ shape: { dim: dims.map((size) => ({ size })) } });

export function variable(name: string, dims: number[]): NodeSpec {
  return { name, op: 'VariableV2', attr: { dtype: { type: FLOAT }, shape: shape(dims) } };
}

export function stringConst(name: string, values: string[]): NodeSpec {
  const enc = new TextEncoder();
  return { name, op: 'Const', attr: { value: { tensor: { dtype: STRING, tensor_shape: { dim: [{ size: values.length }] }, string_val: values.map((v) => enc.encode(v)) } } } };
}

/** A MetaGraphDef with `nodes`, and a saver scope `save` when `saver` is true. */
export function metaGraph(nodes: NodeSpec[], opts: { saver?: boolean; collections?: Record<string, Uint8Array[]> } = {}): Uint8Array {
  const Meta = root.lookupType('Meta');
  const message = {
    graph_def: { node: nodes },
    ...(opts.saver ? { saver_def: { save_tensor_name: 'save/control_dependency:0' } } : {}),
    collection_def: Object.fromEntries(Object.entries(opts.collections ?? {}).map(([k, v]) => [k, { bytes_list: { value: v } }])),
  };
  return Meta.encode(Meta.fromObject(message)).finish();
}
