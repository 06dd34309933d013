/**
 * Layers built from the layer table (keras-layer-weights.ts) instead of TensorFlow.js, layers that create no
 * variables (their output shapes only), and Keras' readable variable paths (`variable.path`) for any layer.
 */
import { ELEMENT_SIZE, elementCount } from '../dtypes';
import { classifyVariable } from '../naming';
import type { TargetVariable } from '../target-model';
import { type Config, type LayerSpec, type ModelSpec, type Shape, isObject, kerasSnakeCase } from './keras-config';
import { kerasLayerWeights } from './keras-layer-weights';
import { type Place, places } from './places';

/** Where a layer's variables go, and the name scope Keras built it in (`seq/` inside a Sequential). */
export interface TablePlace extends Place {
  scope: string;
}

/** A table layer's variables as TargetVariables, and its output shapes; null when the table has no such class. */
export function tableLayer(spec: LayerSpec, inputs: Shape[], trainable: boolean, place: TablePlace): { variables: TargetVariable[]; outputs: Shape[] } | null {
  const built = kerasLayerWeights(spec.className, spec.config, inputs);
  if (!built) return null;
  const variables = built.weights.map((w): TargetVariable => {
    const name = `${spec.name}/${w.path}`;
    return {
      name,
      dtype: w.dtype,
      shape: w.shape,
      byteLength: elementCount(w.shape) * ELEMENT_SIZE[w.dtype],
      ...classifyVariable(name),
      trainable: trainable && w.trainable,
      initializer: w.initializer,
      layer: spec.name,
      layerClass: spec.className,
      weightIndex: Number(w.key.slice(w.key.lastIndexOf('/') + 1)), // in its `vars` group, as a Keras 3 file has it
      kerasPath: `${place.slot}/${w.key}`,
      kerasName: `${place.scope}${name}`,
      ...(place.trackable !== undefined && w.attribute !== null && { trackablePath: `${place.trackable}/${w.attribute}` }),
    };
  });
  return { variables, outputs: built.outputs };
}

/** Keras 3 layers that create no variables and compute an output of their input's shape. */
const SAME_SHAPE = new Set([
  'Activation', 'ActivityRegularization', 'AlphaDropout', 'Dropout', 'ELU', 'GaussianDropout', 'GaussianNoise', 'Identity',
  'LeakyReLU', 'Masking', 'ReLU', 'Rescaling', 'Softmax', 'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D',
  'UnitNormalization', 'AutoContrast', 'Equalization', 'Solarization', 'AugMix', 'CutMix', 'MixUp', 'RandAugment',
  'RandomBrightness', 'RandomColorDegeneration', 'RandomColorJitter', 'RandomContrast', 'RandomElasticTransform',
  'RandomErasing', 'RandomFlip', 'RandomGaussianBlur', 'RandomGrayscale', 'RandomHue', 'RandomInvert',
  'RandomPerspective', 'RandomPosterization', 'RandomRotation', 'RandomSaturation', 'RandomSharpness', 'RandomShear',
  'RandomTranslation', 'RandomZoom', 'ContrastLimitedAdaptiveHistogramEqualization',
]);

/** Keras 3 layers that create no variables but change their input's shape (Graft takes it from the graph). */
const NO_VARIABLES = new Set([
  ...SAME_SHAPE, 'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Dot', 'Flatten', 'Reshape',
  'Permute', 'RepeatVector', 'Cropping1D', 'Cropping2D', 'Cropping3D', 'ZeroPadding1D', 'ZeroPadding2D', 'ZeroPadding3D',
  'UpSampling1D', 'UpSampling2D', 'UpSampling3D', 'Resizing', 'CenterCrop', 'RandomCrop', 'MelSpectrogram',
  'AdaptiveAveragePooling1D', 'AdaptiveAveragePooling2D', 'AdaptiveAveragePooling3D', 'AdaptiveMaxPooling1D',
  'AdaptiveMaxPooling2D', 'AdaptiveMaxPooling3D', 'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D',
  'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D',
  'GlobalAveragePooling3D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'GlobalMaxPooling3D', 'CategoryEncoding',
  'Discretization', 'Hashing', 'HashedCrossing', 'IntegerLookup', 'StringLookup', 'TextVectorization',
  'MaxNumBoundingBoxes', 'Lambda', 'TFOpLambda', 'SlicingOpLambda',
]);

/**
 * A layer with no variables that TensorFlow.js cannot run: its output shapes when they follow from its input,
 * `unknown` when only the graph can tell (the next layer's recorded input shape), null when it is not such a layer.
 */
export function variableFreeOutputs(className: string, inputs: Shape[]): Shape[] | 'unknown' | null {
  if (SAME_SHAPE.has(className) && inputs[0]) return [inputs[0]];
  return NO_VARIABLES.has(className) ? 'unknown' : null;
}

const RNN_CELLS: Record<string, string> = {
  SimpleRNN: 'simple_rnn_cell', LSTM: 'lstm_cell', GRU: 'gru_cell', ConvLSTM1D: 'conv_lstm_cell', ConvLSTM2D: 'conv_lstm_cell', ConvLSTM3D: 'conv_lstm_cell',
};

const nameOf = (v: unknown, fallback: string): string => (isObject(v) && isObject(v.config) && typeof v.config.name === 'string' ? v.config.name : fallback);

/**
 * Keras' readable path of a TensorFlow.js-built variable below its layer (`lstm_cell/`, `forward_lstm/lstm_cell/`,
 * `dense/` in a TimeDistributed). `tfjsRest` is the tfjs name after the layer's (`forward_lstm/kernel`).
 */
export function kerasNameBelow(className: string, config: Config, tfjsRest: string): string {
  const tfjsWeight = tfjsRest.slice(tfjsRest.lastIndexOf('/') + 1);
  const weight = className === 'DepthwiseConv2D' && tfjsWeight === 'depthwise_kernel' ? 'kernel' : tfjsWeight;
  if (className in RNN_CELLS) return `${RNN_CELLS[className]}/${weight}`;
  if (className === 'RNN') {
    const cell = isObject(config.cell) ? config.cell : null;
    if (cell?.class_name === 'StackedRNNCells') {
      const cells = isObject(cell.config) && Array.isArray(cell.config.cells) ? cell.config.cells : [];
      const inner = tfjsRest.split('/').slice(-2, -1)[0] ?? '';
      const match = cells.find((c) => nameOf(c, '') === inner);
      return `stacked_rnn_cells/${match ? inner : nameOf(cells[0], 'cell')}/${weight}`;
    }
    return `${nameOf(cell, kerasSnakeCase(String(cell?.class_name ?? 'cell')))}/${weight}`;
  }
  const inner = isObject(config.layer) ? config.layer : null;
  if (className === 'TimeDistributed' && inner) {
    const cls = String(inner.class_name);
    return `${nameOf(inner, 'layer')}/${kerasNameBelow(cls, isObject(inner.config) ? inner.config : {}, weight)}`;
  }
  if (className === 'Bidirectional' && inner) {
    const backward = tfjsRest.startsWith('backward_');
    const layerObj = backward && isObject(config.backward_layer) ? config.backward_layer : inner;
    const base = nameOf(inner, 'layer').replace(/^forward_/, '');
    const sideName = backward ? (isObject(config.backward_layer) ? nameOf(config.backward_layer, `backward_${base}`) : `backward_${base}`) : `forward_${base}`;
    const cls = String(layerObj.class_name);
    return `${sideName}/${kerasNameBelow(cls, isObject(layerObj.config) ? layerObj.config : {}, weight)}`;
  }
  return weight;
}

/** Each layer's place in `model`, inside name scope `scope`. */
export function placesIn(model: ModelSpec, prefix: string, trackablePrefix: string | undefined, scope: string): (name: string) => TablePlace {
  const at = places(model, prefix, trackablePrefix);
  return (name) => ({ ...at.get(name)!, scope });
}

/** The first line of an error's message, without its full stop. */
export const firstSentence = (e: unknown): string => {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0]!.replace(/\.$/, '');
};
