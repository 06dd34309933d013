/**
 * The new model's Keras graph as growth needs it: for every layer, the layers it reads, and for a tensor, which old
 * channel each of its (last-axis) channels carries. A widened layer's channel map is its Net2Net mapping; layers
 * that act on each channel alone pass the map on, concatenations join maps, residual adds need equal maps.
 */
import { topologyModelConfig } from '../../model/target/detect';
import { parseModel, type Config } from '../../model/target/keras-config';

export interface GraphLayer {
  name: string;
  className: string;
  config: Config;
  /** The layers whose outputs this one reads, in order. */
  inputs: string[];
}

export interface LayerGraph {
  layers: Map<string, GraphLayer>;
  /** Layers whose output is a model output. */
  outputs: Set<string>;
}

/** Channels of a tensor: `map[j]` is the old channel that new channel j carries; `old` is the old channel count. */
export interface ChannelMap {
  map: number[];
  old: number;
  /** After a Flatten (channels last): each position of the flattened axis is (spatial index, channel). */
  flattened?: boolean;
}

export type MapResult = { ok: true; value: ChannelMap | null } | { ok: false; reason: string };

/** Layers that compute each channel from that channel alone and need no weights per channel. */
const PER_CHANNEL = new Set([
  'Activation', 'ReLU', 'LeakyReLU', 'ELU', 'ThresholdedReLU', 'Dropout', 'SpatialDropout1D', 'SpatialDropout2D',
  'SpatialDropout3D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'ActivityRegularization', 'Identity',
  'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D',
  'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalAveragePooling3D', 'GlobalMaxPooling1D',
  'GlobalMaxPooling2D', 'GlobalMaxPooling3D', 'ZeroPadding1D', 'ZeroPadding2D', 'ZeroPadding3D', 'Cropping1D',
  'Cropping2D', 'Cropping3D', 'UpSampling1D', 'UpSampling2D', 'UpSampling3D', 'MaxPool2D', 'AvgPool2D',
]);
const MERGE_SAME = new Set(['Add', 'Subtract', 'Average', 'Maximum', 'Minimum', 'Multiply']);

/** The graph of a Keras Sequential/Functional config, or null when the model has none (a checkpoint, a TF graph). */
export function layerGraph(topology: unknown): LayerGraph | null {
  const model = parseModel(topologyModelConfig(topology));
  if (!model) return null;
  const layers = new Map<string, GraphLayer>();
  let previous: string | undefined;
  for (const l of model.layers) {
    const inputs = model.kind === 'sequential' ? (previous ? [previous] : []) : (l.inbound[0] ?? []).map((r) => r.layer);
    layers.set(l.name, { name: l.name, className: l.className, config: l.config, inputs });
    previous = l.name;
  }
  const outputs = new Set(model.kind === 'sequential' ? (previous ? [previous] : []) : model.outputs.map((r) => r.layer));
  return { layers, outputs };
}

export const identityMap = (n: number): ChannelMap => ({ map: Array.from({ length: n }, (_, i) => i), old: n });
export const isIdentityMap = (c: ChannelMap | null): boolean => !c || (c.map.length === c.old && c.map.every((m, i) => m === i));

/** What the caller knows about a weighted layer: its output channels' map (widened, kept or inserted identity). */
export type LayerChannels = (layer: GraphLayer, input: () => MapResult) => MapResult | undefined;

/**
 * The channel map of `name`'s output. `weighted` answers for layers with weights (undefined: not one it knows);
 * null means "not changed, width unknown" (an input), which joins with nothing widened.
 */
export function channelMap(graph: LayerGraph, name: string, weighted: LayerChannels, seen = new Map<string, MapResult>()): MapResult {
  const cached = seen.get(name);
  if (cached) return cached;
  seen.set(name, { ok: false, reason: `${name} feeds itself` });
  const r = compute(graph, name, weighted, seen);
  seen.set(name, r);
  return r;
}

function compute(graph: LayerGraph, name: string, weighted: LayerChannels, seen: Map<string, MapResult>): MapResult {
  const layer = graph.layers.get(name);
  if (!layer) return { ok: false, reason: `the graph has no layer ${name}` };
  const input = (k = 0): MapResult => {
    const from = layer.inputs[k];
    return from === undefined ? { ok: true, value: null } : channelMap(graph, from, weighted, seen);
  };
  const own = weighted(layer, () => input());
  if (own) return own;
  if (layer.className === 'InputLayer') return { ok: true, value: null };
  if (PER_CHANNEL.has(layer.className)) return input();
  if (layer.className === 'Flatten') {
    const r = input();
    if (!r.ok || isIdentityMap(r.value)) return r.ok ? { ok: true, value: null } : r;
    if (layer.config.data_format === 'channels_first') return { ok: false, reason: `${layer.name} flattens channels first; Graft follows widened channels through channels-last Flatten only` };
    return { ok: true, value: { ...r.value!, flattened: true } };
  }
  const maps = layer.inputs.map((_, k) => input(k));
  const bad = maps.find((m) => !m.ok);
  if (bad) return bad;
  const values = maps.map((m) => (m as { value: ChannelMap | null }).value);
  if (values.some((v) => v?.flattened)) return { ok: false, reason: `${layer.name} (${layer.className}) joins flattened widened channels; Graft cannot follow them there` };
  if (MERGE_SAME.has(layer.className)) {
    const changed = values.filter((v) => !isIdentityMap(v));
    if (changed.length === 0) return { ok: true, value: values.find((v) => v) ?? null };
    const first = changed[0]!;
    const same = values.every((v) => v && v.old === first.old && v.map.length === first.map.length && v.map.every((m, i) => m === first.map[i]));
    if (!same) return { ok: false, reason: `${layer.name} (${layer.className}) joins tensors whose channels were widened differently; widen every branch with one mapping` };
    return { ok: true, value: first };
  }
  if (layer.className === 'Concatenate') {
    const axis = layer.config.axis ?? -1;
    if (values.every(isIdentityMap)) return { ok: true, value: null };
    if (axis !== -1) return { ok: false, reason: `${layer.name} concatenates along axis ${String(axis)}, not the channels` };
    if (values.some((v) => !v)) return { ok: false, reason: `${layer.name} joins a widened tensor with one whose channel count Graft does not know` };
    const map: number[] = [];
    let old = 0;
    for (const v of values as ChannelMap[]) {
      for (const m of v.map) map.push(old + m);
      old += v.old;
    }
    return { ok: true, value: { map, old } };
  }
  const changed = values.some((v) => !isIdentityMap(v));
  if (!changed) return { ok: true, value: null };
  return { ok: false, reason: `${layer.name} (${layer.className}) reads widened channels, and Graft cannot carry copied units through it` };
}
