/**
 * The `modelTopology` TF.js reads, from any Keras model config. tfjs-layers 4.22 deserialises Keras 2 configs only
 * (what tensorflowjs_converter writes from tf.keras): `batch_input_shape`, dtype strings, `{class_name, config}`
 * objects, and `inbound_nodes` as `[[[layer, node, tensor, kwargs], ...], ...]`. A Keras 3 config (`model.to_json()`,
 * a `.keras` config.json) is rewritten into that form, each layer through `toTfjs` (faithful mode); a Keras 2 or
 * TF.js topology is kept as it is. This lives with the TF.js format because it describes what TF.js reads, while
 * `toTfjs` stays in model/target where the variable builder shares it.
 */
import { GraftError } from '../../errors';
import { topologyModelConfig } from '../../model/target/detect';
import { checkJsonDepth } from '../../model/target/limits';
import { TFJS_LACKS } from '../../model/target/keras-layer-weights';
import { type Config, type LayerSpec, MODEL_CLASSES, type ModelSpec, type TensorRef, isObject, parseModel, toTfjs } from '../../model/target/keras-config';

/** Written as tfjs-layers writes `keras_version` / `backend` when it saves a model itself. */
export const TFJS_KERAS_VERSION = 'tfjs-layers 4.22.0';

/**
 * Keras 3 serialisation marks: `module` / `registered_name` beside class names, `{args, kwargs}` call nodes, and in
 * the legacy form Keras 3 writes into a full-model `.h5` (no `module` on layers), DTypePolicy objects and `batch_shape`.
 */
export function isKeras3Config(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(isKeras3Config);
  if (!isObject(v)) return false;
  if ('registered_name' in v || (typeof v.module === 'string' && typeof v.class_name === 'string')) return true;
  const config = isObject(v.config) ? v.config : undefined;
  if (config && ('batch_shape' in config || (isObject(config.dtype) && 'registered_name' in config.dtype))) return true;
  if (Array.isArray(v.inbound_nodes) && v.inbound_nodes.some((n) => isObject(n))) return true;
  return isKeras3Config(isObject(v.config) ? v.config.layers : undefined);
}

const ref = (r: TensorRef, models: Map<string, string>) =>
  // tfjs gives a Sequential an inbound node of its own (input to output) before any call, as Keras 2 did and Keras 3
  // does for Functional models only: a Keras 3 reference to a nested Sequential's n-th call is tfjs' node n + 1.
  [r.layer, models.get(r.layer) === 'Sequential' ? r.node + 1 : r.node, r.tensor];

/**
 * Keras 3 keeps a call's keyword arguments (`initial_state=`, `mask=`) beside its inputs; Keras 2 call nodes, and
 * tfjs, pass only plain values there. A tensor among them is refused rather than silently dropped.
 */
function checkCallKwargs(model: unknown, file: string): void {
  const layers = isObject(model) && isObject(model.config) && Array.isArray(model.config.layers) ? model.config.layers : [];
  for (const l of layers) {
    if (!isObject(l)) continue;
    for (const node of Array.isArray(l.inbound_nodes) ? l.inbound_nodes : []) {
      const kwargs = isObject(node) && isObject(node.kwargs) ? node.kwargs : {};
      const tensors = Object.keys(kwargs).filter((k) => JSON.stringify(kwargs[k] ?? null).includes('"__keras_tensor__"'));
      const name = isObject(l.config) && typeof l.config.name === 'string' ? l.config.name : String(l.name);
      if (tensors.length) throw new GraftError('unsupported', file, `layer ${name} is called with the tensor argument ${tensors.join(', ')} beside its inputs, which a TF.js model.json cannot express`);
    }
    if (typeof l.class_name === 'string' && MODEL_CLASSES.has(l.class_name)) checkCallKwargs(l, file);
  }
}

class Converter {
  constructor(private readonly file: string) {}

  private fail(where: string, why: string): never {
    throw new GraftError('unsupported', this.file, `${where} ${why}, which a TF.js model.json cannot express`);
  }

  private layer(spec: LayerSpec): Config {
    const nested = MODEL_CLASSES.has(spec.className) ? parseModel({ class_name: spec.className, config: spec.config }) : null;
    if (nested) return this.model(nested);
    if (TFJS_LACKS.has(spec.className)) {
      throw new GraftError('unsupported', this.file, `layer ${spec.name} is a ${spec.className}, a Keras layer TensorFlow.js does not implement, so a TF.js model.json cannot hold this model; export it as keras, keras-legacy, tf or safetensors`);
    }
    const problems: string[] = [];
    const out = toTfjs({ class_name: spec.className, config: spec.config }, { faithful: true, problems }) as Config;
    if (problems.length) this.fail(`layer ${spec.name} (${spec.className}) has`, problems.join(' and '));
    return out;
  }

  model(m: ModelSpec): Config {
    if (m.kind === 'sequential') {
      const layers = m.layers.map((l) => this.layer(l));
      const first = layers[0];
      if (first && first.class_name !== 'InputLayer' && m.inputShape && isObject(first.config) && !('batch_input_shape' in first.config)) {
        first.config.batch_input_shape = m.inputShape; // a Sequential built without keras.Input records its shape on the model
      }
      return { class_name: 'Sequential', config: { name: m.name, ...(m.trainable ? {} : { trainable: false }), layers } };
    }
    const models = new Map(m.layers.map((l) => [l.name, l.className]));
    const layers = m.layers.map((l) => {
      const converted = this.layer(l);
      return { ...converted, name: l.name, inbound_nodes: l.inbound.map((refs) => refs.map((r) => [...ref(r, models), {}])) };
    });
    if (!m.inputs.length || !m.outputs.length) this.fail(`model ${m.name}`, 'lists its inputs or outputs in a nested structure');
    return {
      class_name: m.className,
      config: {
        name: m.name,
        ...(m.trainable ? {} : { trainable: false }),
        layers,
        input_layers: m.inputs.map((r) => ref(r, models)),
        output_layers: m.outputs.map((r) => ref(r, models)),
      },
    };
  }
}

/**
 * `topology` (a TF.js `modelTopology`, a Keras model config in any form, a graph model's GraphDef) as the
 * `modelTopology` TF.js loads, and a note when it had to be rewritten. Throws a GraftError naming the layer when a
 * Keras 3 model uses something TF.js computes differently or not at all (a GRU with reset_after=True, grouped
 * convolutions, an activation TF.js lacks).
 */
export function tfjsTopology(topology: unknown, file: string): { topology: unknown; notes: string[] } {
  // Every walk below recurses, and the writer serialises the result again: depth is bounded before any of them.
  checkJsonDepth(topology, file, 'the model topology');
  const config = topologyModelConfig(topology);
  if (!config || !isObject(topology) || !isKeras3Config(config)) return { topology, notes: [] };
  const spec = parseModel(config);
  if (!spec) return { topology, notes: [] };
  checkCallKwargs(config, file);
  const modelConfig = new Converter(file).model(spec);
  return {
    topology: { keras_version: TFJS_KERAS_VERSION, backend: 'tensor_flow.js', model_config: modelConfig },
    notes: ['model.json: the Keras 3 model config is written in the Keras 2 form TF.js reads (batch_input_shape, dtype strings, Keras 2 call nodes)'],
  };
}
