/**
 * Reads a TF MetaGraph (`model.ckpt.meta`) or the MetaGraph of a SavedModel (`saved_model.pb`, the one tagged
 * `serve`, else the first): its variables as the Saver stores them, their initializers, the saver.
 * tensorflow/core/protobuf/meta_graph.proto.
 */
import { GraftError } from '../../errors';
import type { ByteSource } from '../../io/byte-source';
import { GraphIndex } from './graph';
import { recogniseInitializer, type Recognised } from './initial';
import { decodeMetaGraph, decodeSavedModel, type MetaGraphMsg } from './protos';
import { MAX_META_BYTES, type MetaGraphKind, sniffMetaGraph } from './sniff';
import { graphVariables, type GraphVariable } from './variables';

export interface MetaGraphVariable extends GraphVariable {
  initializer: Recognised;
}

export interface MetaGraph {
  /** The file as dropped. */
  file: string;
  kind: MetaGraphKind;
  /** The SavedModel tags of the graph read (`serve`), empty for a `.meta`. */
  tags: string[];
  tensorflowVersion: string;
  variables: MetaGraphVariable[];
  /** Where the checkpoint keys came from: the Saver's own save op, the `variables` collection, or the variable ops. */
  keysFrom: 'saver' | 'collection' | 'nodes';
  /** A TF2 SavedModel keeps its variables by object path, not by these names. */
  objectBased: boolean;
  warnings: string[];
}

const MAX_NODES = 4_000_000;

function pick(graphs: MetaGraphMsg[], file: string): MetaGraphMsg {
  const served = graphs.find((g) => g.meta_info_def?.tags.includes('serve'));
  const chosen = served ?? graphs[0];
  if (!chosen) throw new GraftError('corrupt', file, 'is a SavedModel with no MetaGraph in it — the file is damaged');
  return chosen;
}

/** Reads `source` as a MetaGraph or SavedModel; a GraftError naming the file when it is neither or is damaged. */
export async function readMetaGraph(source: ByteSource): Promise<MetaGraph> {
  const file = source.path;
  if (source.size > MAX_META_BYTES) {
    throw new GraftError('too-large', file, `is ${source.size} bytes; Graft reads TensorFlow MetaGraphs of up to ${MAX_META_BYTES >> 20} MiB`);
  }
  const kind = await sniffMetaGraph(source);
  if (!kind) {
    throw new GraftError('not-recognised', file, 'is not a TensorFlow MetaGraph (.meta) or SavedModel (saved_model.pb): its protobuf fields are not those of either — the file is truncated, damaged or of another kind');
  }
  const bytes = await source.read(0, source.size);
  const meta = kind === 'saved-model' ? pick(decodeSavedModel(bytes, file).meta_graphs, file) : decodeMetaGraph(bytes, file);
  const nodes = meta.graph_def?.node ?? [];
  if (nodes.length > MAX_NODES) throw new GraftError('too-large', file, `has ${nodes.length} graph nodes; Graft reads graphs of up to ${MAX_NODES}`);
  const warnings: string[] = [];
  const graph = new GraphIndex(nodes);
  const found = graphVariables(meta, graph, file, warnings);
  const variables = found.map((v) => ({ ...v, initializer: recogniseInitializer(graph, file, v.initialValues, v.shape) }));
  const hasSaveOp = nodes.some((n) => n.op === 'SaveV2' || n.op === 'SaveSlices' || n.op === 'Save');
  const listed = Object.values(meta.collection_def).some((c) => c.bytes_list && c.bytes_list.value.length > 0);
  return {
    file,
    kind,
    tags: meta.meta_info_def?.tags ?? [],
    tensorflowVersion: meta.meta_info_def?.tensorflow_version ?? '',
    variables,
    keysFrom: meta.saver_def?.save_tensor_name && hasSaveOp ? 'saver' : listed ? 'collection' : 'nodes',
    objectBased: meta.object_graph_def.byteLength > 0 && !listed,
    warnings,
  };
}
