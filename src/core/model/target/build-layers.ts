/**
 * Builds a Keras model's variables with tfjs-layers, one layer at a time, so one layer tfjs cannot build costs
 * that layer (and, in Keras 2 files, what depends on its shape), never the whole model.
 *
 * Each layer is deserialised by tfjs inside a one-layer functional model fed with the input shapes Graft worked
 * out, so the variables, their scoped names (`dense/kernel`, `bidirectional/forward_lstm/kernel`), shapes,
 * trainable flags and order are tfjs' own. While that happens `Layer.prototype.addWeight` is replaced by a version
 * that records the call and returns a LayerVariable holding no tensor: building a model allocates nothing, needs
 * no backend, and leaves nothing to dispose.
 */
import * as tf from '@tensorflow/tfjs';
import { ELEMENT_SIZE, elementCount } from '../dtypes';
import type { DType } from '../dtypes';
import { classifyVariable } from '../naming';
import type { InitializerSpec, TargetVariable } from '../target-model';
import { NAMED_SCALINGS, canonicalInitializer, initializerFromConfig } from './initializers';
import {
  type Config, type LayerSpec, MODEL_CLASSES, type ModelSpec, type Shape, type TensorRef,
  declaredInputShape, findKey, isObject, kerasSubPath, parseModel, toTfjs, variableDtype,
} from './keras-config';
import { type TablePlace, firstSentence, kerasNameBelow, placesIn, tableLayer, variableFreeOutputs } from './build-table';
import { tableFirst } from './keras-layer-weights';
import { trackableAttribute, trackableSubPath } from './trackable';

type TfLayer = InstanceType<typeof tf.layers.Layer>;
type TfVariable = InstanceType<typeof tf.LayerVariable>;

interface Recorded {
  owner: TfLayer;
  initializer: unknown;
}

export interface BuildContext {
  variables: TargetVariable[];
  warnings: string[];
  /** Layers whose variables could not be built: name → class and why (the caller may list them from a weights manifest). */
  failed: Map<string, { className: string; config: Config; reason?: string }>;
}

const INPUT_PREFIX = 'graft__input_';

const knownToTfjs = (className: string): boolean =>
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

/** Builds one (non-model) layer from its input shapes; records its variables; returns its output shapes. */
async function buildLayer(spec: LayerSpec, inputs: Shape[], trainable: boolean, place: TablePlace, ctx: BuildContext): Promise<Shape[]> {
  const { model, recorded } = await deserializeRecorded(oneLayerModel(spec, inputs));
  try {
    const layer = model.getLayer(spec.name);
    const built: LayerBuilt = { spec, place, trainable: new Set(trainable ? layer.trainableWeights : []), varDtype: variableDtype(spec.config) };
    for (const v of layer.weights) {
      const rec = recorded.get(v);
      if (rec) addVariable(ctx, layerVariable(v, rec, built));
    }
    const out = layer.getOutputAt(0);
    return (Array.isArray(out) ? out : [out]).map((t) => [...t.shape]);
  } finally {
    model.dispose();
  }
}

function addVariable(ctx: BuildContext, v: TargetVariable): void {
  if (ctx.variables.some((x) => x.name === v.name)) {
    ctx.warnings.push(`two layers create a variable named ${v.name}; only the first is listed`);
    return;
  }
  ctx.variables.push(v);
}

function failLayer(ctx: BuildContext, spec: LayerSpec, why: string): void {
  ctx.warnings.push(`layer ${spec.name} (${spec.className}) could not be built: ${why}`);
  ctx.failed.set(spec.name, { className: spec.className, config: spec.config, reason: why });
}

/** Builds any layer, nested models included; null output shapes when it could not be built. */
async function buildAny(spec: LayerSpec, inputs: Shape[], trainable: boolean, place: TablePlace, ctx: BuildContext): Promise<Shape[] | null> {
  const layerTrainable = trainable && spec.config.trainable !== false;
  if (MODEL_CLASSES.has(spec.className)) {
    const nested = parseModel({ class_name: spec.className, config: spec.config });
    if (!nested) {
      failLayer(ctx, spec, 'its config lists no layers');
      return null;
    }
    // A nested model's layers were built when it was made, outside the outer model's name scope.
    return buildModel(nested, inputs, layerTrainable, ctx, `${place.slot}/`, place.trackable === undefined ? undefined : `${place.trackable}/`);
  }
  if (!knownToTfjs(spec.className) || tableFirst(spec.className, spec.config)) {
    try {
      const table = tableLayer(spec, inputs, layerTrainable, place);
      if (table) {
        for (const v of table.variables) addVariable(ctx, v);
        return table.outputs;
      }
    } catch (e) {
      failLayer(ctx, spec, `its config does not build as Keras builds a ${spec.className}: ${firstSentence(e)}`);
      return null;
    }
    const free = variableFreeOutputs(spec.className, inputs);
    if (free === 'unknown') return null;
    if (free) return free;
    failLayer(ctx, spec, `${spec.className} is neither a Keras layer Graft knows nor a TensorFlow.js layer (a custom layer?)`);
    return null;
  }
  try {
    return await buildLayer(spec, inputs, layerTrainable, place, ctx);
  } catch (e) {
    failLayer(ctx, spec, `TensorFlow.js rejected its config: ${firstSentence(e)}`);
    return null;
  }
}

function specShapes(spec: LayerSpec): Shape[] | null {
  const b = spec.buildShape;
  if (!b) return null;
  return b.length > 0 && b.every((d) => Array.isArray(d)) ? (b as Shape[]) : [b as Shape];
}

async function buildSequential(model: ModelSpec, given: Shape[] | null, trainable: boolean, ctx: BuildContext, prefix: string, trackablePrefix: string | undefined, scope: string): Promise<Shape[] | null> {
  const at = placesIn(model, prefix, trackablePrefix, scope);
  let shape: Shape | null = model.inputShape ?? given?.[0] ?? null;
  let blame: string | null = null;
  for (const [i, layer] of model.layers.entries()) {
    if (layer.className === 'InputLayer') {
      shape = declaredInputShape(layer.config) ?? shape;
      continue;
    }
    if (i === 0 || (i === 1 && model.layers[0]!.className === 'InputLayer')) shape = declaredInputShape(layer.config) ?? shape;
    const inputs = specShapes(layer) ?? (shape ? [shape] : null);
    if (!inputs) {
      failLayer(ctx, layer, blame ? `its input comes from ${blame}, which could not be built, so its shape is unknown` : 'the model records no input shape (it was saved before it was built)');
      shape = null;
      continue;
    }
    const out = await buildAny(layer, inputs, trainable, at(layer.name), ctx);
    shape = out?.[0] ?? null;
    if (!out) blame = `layer ${layer.name}`;
  }
  return shape ? [shape] : null;
}

const key = (r: { layer: string; node: number; tensor: number }) => `${r.layer}:${r.node}:${r.tensor}`;

async function buildFunctional(model: ModelSpec, given: Shape[] | null, trainable: boolean, ctx: BuildContext, prefix: string, trackablePrefix: string | undefined, scope: string): Promise<Shape[] | null> {
  const at = placesIn(model, prefix, trackablePrefix, scope);
  const known = new Map<string, Shape | null>();
  const failedNodes = new Set<string>();
  const inputNames = new Set(model.inputs.map((r) => r.layer));
  let inputIndex = 0;
  for (const layer of model.layers) {
    if (layer.className !== 'InputLayer') continue;
    const declared = declaredInputShape(layer.config);
    const position = model.inputs.findIndex((r) => r.layer === layer.name);
    known.set(`${layer.name}:0:0`, given?.[position >= 0 ? position : inputIndex] ?? declared ?? null);
    inputIndex++;
  }
  const lookup = (r: TensorRef): Shape | null | undefined => {
    if (known.has(key(r))) return known.get(key(r));
    if (failedNodes.has(`${r.layer}:${r.node}`)) return r.shape ?? null;
    return r.shape && !model.layers.some((l) => l.name === r.layer) ? r.shape : undefined;
  };
  const built = new Map<string, boolean>();
  const pending = model.layers
    .filter((l) => l.className !== 'InputLayer' && !inputNames.has(l.name))
    .flatMap((l) => (l.inbound.length ? l.inbound.map((_, k) => ({ l, k })) : [{ l, k: 0 }]));
  let progress = true;
  while (pending.length && progress) {
    progress = false;
    for (let p = 0; p < pending.length; p++) {
      const { l, k } = pending[p]!;
      const refs = l.inbound[k] ?? [];
      const shapes = refs.map(lookup);
      if (shapes.some((s) => s === undefined)) continue;
      pending.splice(p--, 1);
      progress = true;
      const inputs = shapes.every((s) => s) ? (shapes as Shape[]) : specShapes(l);
      let out: Shape[] | null = null;
      if (!built.has(l.name)) {
        if (!inputs || inputs.length === 0) {
          const missing = refs.find((r, i) => !shapes[i]);
          failLayer(ctx, l, missing ? `its input comes from layer ${missing.layer}, whose output shape is unknown` : 'it has no inputs Graft can follow');
        } else {
          out = await buildAny(l, inputs, trainable, at(l.name), ctx);
        }
        built.set(l.name, out !== null);
      } else if (built.get(l.name) && inputs) {
        out = await reapply(l, inputs);
      }
      if (out) out.forEach((s, t) => known.set(`${l.name}:${k}:${t}`, s));
      else failedNodes.add(`${l.name}:${k}`);
    }
  }
  for (const { l } of pending) {
    if (!built.has(l.name)) {
      built.set(l.name, false);
      failLayer(ctx, l, 'its inputs could not be traced through the model graph');
    }
  }
  const outs = model.outputs.map((r) => known.get(key(r)) ?? null);
  return outs.every((s) => s) ? (outs as Shape[]) : null;
}

/** Output shapes of a shared layer's later call: rebuild it aside (recording nothing) for those input shapes. */
async function reapply(spec: LayerSpec, inputs: Shape[]): Promise<Shape[] | null> {
  const scratch: BuildContext = { variables: [], warnings: [], failed: new Map() };
  return MODEL_CLASSES.has(spec.className) ? null : buildAny(spec, inputs, true, { slot: '', scope: '' }, scratch);
}

/**
 * Builds every layer of `model`. `prefix`: the model's slot in a Keras 3 weights file (`layers/sequential/`);
 * `trackablePrefix`: its object's path in a TF checkpoint (`_operations/2/`), `` for the outermost model.
 */
export function buildModel(model: ModelSpec, given: Shape[] | null, trainable: boolean, ctx: BuildContext, prefix = '', trackablePrefix: string | undefined = '', scope = ''): Promise<Shape[] | null> {
  const t = trainable && model.trainable;
  // A Sequential builds its layers inside its name scope (`seq/dense/kernel`); a Functional's are built outside it.
  if (model.kind === 'sequential') return buildSequential(model, given, t, ctx, prefix, trackablePrefix, `${scope}${model.name}/`);
  return buildFunctional(model, given, t, ctx, prefix, trackablePrefix, scope);
}

export { isObject };
