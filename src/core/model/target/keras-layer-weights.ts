/**
 * The layer table: for Keras 3 layer classes, the variables their `build` creates (keras/src/layers/...), with
 * Keras' readable paths, `.weights.h5` keys, object paths, shapes, dtypes, trainable flags and initializers, and the
 * layer's output shapes. Graft builds the layers TensorFlow.js lacks (and those it builds differently) from here;
 * keras-layer-weights.test.ts checks it against real Keras 3.15 (testdata/make-keras-layers.py).
 */
import { type Config, type Shape, isObject } from './keras-config';
import { ATTENTION } from './keras-layers-attention';
import { type KerasWeight, type LayerBuilder, LayerWeights, configDtype, innerLayer } from './keras-layers-base';
import { CONVOLUTIONS } from './keras-layers-conv';
import { EMBEDDING, NORMALIZATION } from './keras-layers-norm';
import { RECURRENT, asymmetricBidirectional } from './keras-layers-rnn';

export type { KerasWeight } from './keras-layers-base';

export interface KerasLayerBuild {
  weights: KerasWeight[];
  outputs: Shape[];
}

/** SpectralNormalization: its layer's variables under `layer/`, the kernel also its own, and `vector_u`. */
const SpectralNormalization: LayerBuilder = (w, c, inputs) => {
  const inner = innerLayer(c.layer);
  const build = inner ? TABLE[inner.className] : undefined;
  if (!inner || !build) throw new Error(`it wraps a ${inner?.className ?? 'missing'} layer, which Graft cannot build here (Dense, convolutions and Embedding can be)`);
  const name = typeof inner.config.name === 'string' ? inner.config.name : 'layer';
  const sub = new LayerWeights(inner.config, configDtype(inner.config), `${name}/`, 'layer/', 'layer/');
  const outputs = build(sub, inner.config, inputs);
  const [kernel, ...rest] = sub.list();
  if (!kernel) throw new Error(`its ${inner.className} layer has no kernel`);
  // The kernel is listed first, keyed under the wrapped layer, and held by the wrapper as `kernel`.
  w.adopt({ ...kernel, attribute: 'kernel' }, true);
  w.add('vector_u', [1, kernel.shape[kernel.shape.length - 1]!], { initializer: { kind: 'keras', className: 'TruncatedNormal', config: { mean: 0, stddev: 0.02 } }, trainable: false, dtype: kernel.dtype });
  for (const r of rest) w.adopt(r);
  return outputs;
};

/** TimeDistributed over a layer TensorFlow.js lacks: the layer's variables under `layer/`, built per time step. */
const TimeDistributed: LayerBuilder = (w, c, inputs) => {
  const inner = innerLayer(c.layer);
  const build = inner ? TABLE[inner.className] : undefined;
  if (!inner || !build) throw new Error(`it wraps a ${inner?.className ?? 'missing'} layer, which Graft cannot build here`);
  const s = inputs[0];
  if (!s || s.length < 3) throw new Error('its input has no time axis');
  const name = typeof inner.config.name === 'string' ? inner.config.name : 'layer';
  const out = build(w.sub(name, 'layer', 'layer', inner.config), inner.config, [[s[0]!, ...s.slice(2)]]);
  return out.map((o) => [o[0]!, s[1]!, ...o.slice(1)]);
};

const TABLE: Record<string, LayerBuilder> = { ...CONVOLUTIONS, ...NORMALIZATION, ...EMBEDDING, ...ATTENTION, ...RECURRENT, SpectralNormalization, TimeDistributed };

/**
 * Layers TensorFlow.js knows but builds differently from Keras 3 with this config: LayerNormalization with
 * rms_scaling (Keras keeps gamma), RNNs over stacked cells, a Bidirectional whose backward layer is not the mirror of
 * its forward one. Graft builds these from the table.
 */
export function tableFirst(className: string, c: Config): boolean {
  if (className === 'LayerNormalization') return c.rms_scaling === true;
  if (className === 'RNN') return Array.isArray(c.cell) || (isObject(c.cell) && c.cell.class_name === 'StackedRNNCells');
  if (className === 'Bidirectional') return asymmetricBidirectional(c);
  if (className === 'TimeDistributed') return isObject(c.layer) && TFJS_LACKS.has(String(c.layer.class_name));
  return false;
}

/** Keras 3 layer classes with variables that TensorFlow.js does not implement (keras-layer-weights.test.ts checks it). */
export const TFJS_LACKS: ReadonlySet<string> = new Set([
  'EinsumDense', 'MultiHeadAttention', 'GroupQueryAttention', 'GroupedQueryAttention', 'Attention', 'AdditiveAttention',
  'GroupNormalization', 'RMSNormalization', 'Normalization', 'UnitNormalization', 'Conv1DTranspose', 'SeparableConv1D',
  'DepthwiseConv1D', 'ConvLSTM1D', 'ConvLSTM3D', 'SpectralNormalization', 'STFTSpectrogram', 'ReversibleEmbedding',
]);

/** Whether the table can build `className`. */
export const inLayerTable = (className: string): boolean => className in TABLE;

/**
 * The variables and output shapes of a `className` layer with `config` fed `inputs`, or null when the table has no
 * such class. Throws an Error whose message says why the config or the shapes do not build.
 */
export function kerasLayerWeights(className: string, config: Config, inputs: Shape[]): KerasLayerBuild | null {
  const builder = TABLE[className];
  if (!builder) return null;
  const w = new LayerWeights(config, configDtype(config));
  const outputs = builder(w, config, inputs);
  return { weights: w.list(), outputs };
}
