/**
 * Builds one Keras layer with tfjs-layers, deserialised inside a one-layer functional model fed with the input
 * shapes Graft worked out, so the variables, their scoped names (`dense/kernel`, `bidirectional/forward_lstm/kernel`),
 * shapes, trainable flags and order are tfjs' own. While that happens `Layer.prototype.addWeight` is replaced by a
 * version that records the call and returns a LayerVariable holding no tensor: building allocates nothing, needs no
 * backend, and leaves nothing to dispose. Loaded only for layers build-fast.ts does not cover (TF.js is 1.6 MB).
 */
import * as tf from '@tensorflow/tfjs';
import { ELEMENT_SIZE, elementCount } from '../dtypes';
import type { DType } from '../dtypes';
import { classifyVariable } from '../naming';
import type { InitializerSpec, TargetVariable } from '../target-model';
import type { BuiltLayer } from './build-fast';
import type { TablePlace } from './build-table';
import { NAMED_SCALINGS, canonicalInitializer, initializerFromConfig } from './initializers';
import { type Config, type LayerSpec, type Shape, findKey, kerasSubPath, toTfjs, variableDtype } from './keras-config';
import { kerasNameBelow } from './build-table';
import { trackableAttribute, trackableSubPath } from './trackable';

type TfLayer = InstanceType<typeof tf.layers.Layer>;
type TfVariable = InstanceType<typeof tf.LayerVariable>;

interface Recorded {
  owner: TfLayer;
  initializer: unknown;
}

const INPUT_PREFIX = 'graft__input_';

/** Whether TF.js can deserialise a layer of `className`. */
export const knownToTfjs = (className: string): boolean =>
  className in tf.serialization.SerializationMap.getMap().classNameMap;

/** A LayerVariable with the name tfjs would give it in the current name scope, and no tensor behind it. */
function shapeOnlyVariable(name: string, shape: number[], dtype: string, trainable: boolean): TfVariable {
  // A SymbolicTensor is the one public object that takes its name through tfjs' name scope without allocating.
  const probe = new tf.SymbolicTensor('float32', [], null as unknown as TfLayer, [], {}, name);
  const v = Object.create(tf.LayerVariable.prototype) as Record<string, unknown>;
  Object.assign(v, {
    dtype, shape: [...shape], id: probe.id, originalName: probe.originalName, name: probe.name,
    trainable_: trainable, constraint: null,
    val: { trainable, isDisposed: false, dispose() {} },
  });
  return v as unknown as TfVariable;
}

type AddWeight = (this: TfLayer, name: string, shape: number[], dtype?: string, initializer?: unknown, regularizer?: unknown, trainable?: boolean) => TfVariable;

/** Deserialises `json` (a one-layer model) with addWeight recorded; returns the model and what each weight came from. */
async function deserializeRecorded(json: Config): Promise<{ model: tf.LayersModel; recorded: Map<TfVariable, Recorded> }> {
  const recorded = new Map<TfVariable, Recorded>();
  const proto = tf.layers.Layer.prototype as unknown as { addWeight: AddWeight };
  const original = proto.addWeight;
  const recording: AddWeight = function (name, shape, dtype, initializer, _regularizer, trainable) {
    const self = this as unknown as { _addedWeightNames: string[]; _trainableWeights: TfVariable[]; _nonTrainableWeights: TfVariable[]; name: string };
    if (self._addedWeightNames.includes(name)) throw new Error(`Duplicate weight name ${name} for layer ${self.name}`);
    self._addedWeightNames.push(name);
    const isTrainable = trainable ?? true;
    const v = shapeOnlyVariable(name, shape, dtype ?? 'float32', isTrainable);
    (isTrainable ? self._trainableWeights : self._nonTrainableWeights).push(v);
    recorded.set(v, { owner: this, initializer });
    return v;
  };
  proto.addWeight = recording;
  let pending: Promise<tf.LayersModel>;
  try {
    // modelFromJSON deserialises synchronously before its first await when no weights manifest is given.
    pending = tf.models.modelFromJSON(json as never);
  } finally {
    proto.addWeight = original;
  }
  return { model: await pending, recorded };
}

/** The config key an initializer came from: the owner property holding it (`kernelInitializer` → `kernel_initializer`). */
function initializerKey(owner: TfLayer, init: unknown): string | null {
  for (const [k, v] of Object.entries(owner)) {
    if (v === init && k.endsWith('Initializer')) return k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  }
  return null;
}

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The tfjs initializer object, serialised the Keras way, when the file does not name one. */
function fromTfjsInitializer(init: unknown): InitializerSpec {
  const i = init as { getClassName?: () => string; getConfig?: () => Config } | null;
  if (!i?.getClassName) return { kind: 'zeros' };
  const config: Config = {};
  for (const [k, v] of Object.entries(i.getConfig?.() ?? {})) {
    if (v === undefined) continue;
    config[snake(k)] = k === 'mode' && typeof v === 'string' ? snake(v) : v;
  }
  const cls = i.getClassName();
  if (cls === 'VarianceScaling') {
    // tfjs' GlorotUniform, HeNormal... report themselves as VarianceScaling; give them back their Keras names.
    const dist = config.distribution === 'normal' ? 'truncated_normal' : config.distribution;
    for (const [name, s] of Object.entries(NAMED_SCALINGS)) {
      if (s.scale === config.scale && s.mode === config.mode && s.distribution === dist) return { kind: 'keras', className: name, config: { seed: config.seed ?? null } };
    }
  }
  return { kind: 'keras', className: canonicalInitializer(cls) ?? cls, config };
}

/**
 * Keras' defaults for configs that leave an initializer out (hand-written ones; Keras itself always writes them).
 * tfjs' differ in places (its Dense and Conv default to GlorotNormal), so they are not taken from tfjs.
 */
const KERAS_DEFAULTS: Record<string, string> = {
  kernel_initializer: 'GlorotUniform', bias_initializer: 'Zeros', recurrent_initializer: 'Orthogonal',
  embeddings_initializer: 'RandomUniform', gamma_initializer: 'Ones', beta_initializer: 'Zeros',
  moving_mean_initializer: 'Zeros', moving_variance_initializer: 'Ones', depthwise_initializer: 'GlorotUniform',
  pointwise_initializer: 'GlorotUniform', alpha_initializer: 'Zeros',
};

function initializerOf(rec: Recorded, layerConfig: Config): InitializerSpec {
  const owner = rec.owner as unknown as Record<string, unknown>;
  const cls = (rec.initializer as { getClassName?: () => string } | null)?.getClassName?.();
  if (cls === 'CustomInit' && owner.unitForgetBias) {
    // LSTM(unit_forget_bias=True): tfjs wraps the bias initializer; Keras concatenates [init, ones, init].
    const inner = findKey(layerConfig, 'bias_initializer');
    return {
      kind: 'keras',
      className: 'UnitForgetBias',
      config: { units: owner.units, bias_initializer: inner ?? { class_name: 'Zeros', config: {} } },
    };
  }
  const key = initializerKey(rec.owner, rec.initializer);
  const fromFile = key ? initializerFromConfig(findKey(layerConfig, key)) : null;
  const kerasDefault = key ? KERAS_DEFAULTS[key] : undefined;
  return fromFile ?? (kerasDefault ? { kind: 'keras', className: kerasDefault, config: {} } : fromTfjsInitializer(rec.initializer));
}

/** Shape corrections for Keras options tfjs does not implement but which change a variable's shape. */
function kerasShape(ownerClass: string, weight: string, shape: number[], config: Config): number[] {
  if (ownerClass === 'GRUCell' && weight === 'bias' && findKey(config, 'reset_after') === true) return [2, ...shape];
  const groups = findKey(config, 'groups');
  if (/^Conv[123]D$/.test(ownerClass) && weight === 'kernel' && typeof groups === 'number' && groups > 1 && shape.length >= 2) {
    const s = [...shape];
    s[s.length - 2] = s[s.length - 2]! / groups;
    return s;
  }
  return shape;
}

const weightName = (v: TfVariable) => v.originalName.slice(v.originalName.lastIndexOf('/') + 1);

/** A functional model holding only `spec`, fed by one InputLayer per input shape. */
function oneLayerModel(spec: LayerSpec, inputs: Shape[]): Config {
  const inputLayers = inputs.map((shape, i) => ({
    class_name: 'InputLayer',
    name: `${INPUT_PREFIX}${i}`,
    config: { batch_input_shape: shape, dtype: 'float32', sparse: false, name: `${INPUT_PREFIX}${i}` },
    inbound_nodes: [],
  }));
  const layerJson = {
    ...(toTfjs({ class_name: spec.className, config: spec.config }) as Config),
    name: spec.name,
    inbound_nodes: [inputLayers.map((l) => [l.name, 0, 0, {}])],
  };
  return {
    class_name: 'Model',
    config: {
      name: `${INPUT_PREFIX}model`,
      layers: [...inputLayers, layerJson],
      input_layers: inputLayers.map((l) => [l.name, 0, 0]),
      output_layers: [[spec.name, 0, 0]],
    },
  };
}

/** What every variable of one built layer shares. */
interface LayerBuilt {
  spec: LayerSpec;
  place: TablePlace;
  /** The variables that are trainable: in the layer, and the layer in the model. */
  trainable: ReadonlySet<TfVariable>;
  /** The config's dtype for float32 variables, if it sets one. */
  varDtype: DType | null;
}

/** One variable tfjs built for the layer, as a TargetVariable with its Keras names and paths. */
function layerVariable(v: TfVariable, rec: Recorded, { spec, place, trainable, varDtype }: LayerBuilt): TargetVariable {
  const owner = rec.owner as unknown as { _trainableWeights: TfVariable[]; _nonTrainableWeights: TfVariable[]; getClassName(): string };
  // Keras 3 numbers a layer's own variables trainable-first, each group in creation order (`vars/<i>`).
  const ti = owner._trainableWeights.indexOf(v);
  const weightIndex = ti >= 0 ? ti : owner._trainableWeights.length + owner._nonTrainableWeights.indexOf(v);
  const dtype: DType = v.dtype === 'float32' && varDtype ? varDtype : (v.dtype as DType);
  const shape = kerasShape(owner.getClassName(), weightName(v), [...v.shape] as number[], spec.config);
  const side = v.originalName.slice(spec.name.length + 1).startsWith('backward_') ? 'backward' : 'forward';
  const sub = kerasSubPath(spec.className, spec.config, side);
  const trackableSub = trackableSubPath(spec.className, spec.config, side);
  const attribute = trackableAttribute(owner.getClassName(), weightName(v));
  const kerasName = `${place.scope}${spec.name}/${kerasNameBelow(spec.className, spec.config, v.originalName.slice(spec.name.length + 1))}`;
  return {
    name: v.originalName,
    dtype,
    shape,
    byteLength: elementCount(shape) * ELEMENT_SIZE[dtype],
    ...classifyVariable(v.originalName),
    trainable: trainable.has(v),
    initializer: initializerOf(rec, spec.config),
    layer: spec.name,
    layerClass: spec.className,
    weightIndex,
    ...(sub !== null && { kerasPath: `${place.slot}/${sub}vars/${weightIndex}` }),
    kerasName,
    ...(place.trackable !== undefined && trackableSub !== null && attribute !== null && { trackablePath: `${place.trackable}/${trackableSub}${attribute}` }),
  };
}

/** Builds one (non-model) layer from its input shapes with TF.js: its variables and output shapes. */
export async function buildWithTfjs(spec: LayerSpec, inputs: Shape[], trainable: boolean, place: TablePlace): Promise<BuiltLayer> {
  const { model, recorded } = await deserializeRecorded(oneLayerModel(spec, inputs));
  try {
    const layer = model.getLayer(spec.name);
    const built: LayerBuilt = { spec, place, trainable: new Set(trainable ? layer.trainableWeights : []), varDtype: variableDtype(spec.config) };
    const variables: TargetVariable[] = [];
    for (const v of layer.weights) {
      const rec = recorded.get(v);
      if (rec) variables.push(layerVariable(v, rec, built));
    }
    const out = layer.getOutputAt(0);
    return { variables, outputs: (Array.isArray(out) ? out : [out]).map((t) => [...t.shape]) };
  } finally {
    model.dispose();
  }
}

