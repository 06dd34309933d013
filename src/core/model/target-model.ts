import type { TensorInfo } from './checkpoint';

/**
 * How a new variable gets its value when nothing is linked to it: a Keras/TF.js initializer as serialised in
 * the model JSON (`{className: 'GlorotUniform', config: {seed: null}}`), or the template checkpoint's value.
 */
export type InitializerSpec =
  | { kind: 'keras'; className: string; config: Record<string, unknown> }
  | {
      kind: 'template';
      /**
       * The template tensor holding the value where it is not the variable's own name (a `.keras` file's
       * `layers/dense/vars/0` for the built model's `dense/kernel`): what the exported Python script reads.
       */
      key?: string;
    }
  | { kind: 'zeros' };

export interface TargetVariable extends TensorInfo {
  initializer: InitializerSpec;
  /** The layer that owns the variable (`dense_2`), its class (`Dense`) and the variable's index among its weights. */
  layer?: string;
  layerClass?: string;
  weightIndex?: number;
  /**
   * The key Keras 3 gives this variable in a `.weights.h5` / `.keras` file of this model
   * (`layers/dense_1/vars/0`, `layers/bidirectional/forward_layer/cell/vars/2`). Keras 3 names layers there by
   * class and position, not by their names, so this is what links a Keras 3 checkpoint to the new model exactly.
   * Set for models built from a Keras/TF.js layers config.
   */
  kerasPath?: string;
  /**
   * Where Keras 3 on TensorFlow keeps this variable in the model's object graph, `/`-joined from the model object
   * (`_functional/_operations/1/_kernel`): what a TF object-based checkpoint (`tf.train.Checkpoint(model=m)`)
   * is keyed and restored by. Set for models built from a Keras/TF.js layers config.
   */
  trackablePath?: string;
  /** Keras 3's readable `variable.path` (`seq/dense/kernel`, `bi/forward_lstm/lstm_cell/kernel`). Set for built Keras models. */
  kerasName?: string;
}

/** The new model: the variables the merged checkpoint must contain, each able to produce its default value. */
export interface TargetModel {
  /**
   * Where it came from: a TF.js layers/graph model.json, a Keras model JSON, a TF1 graph (`.meta`, a SavedModel's
   * `saved_model.pb`), a checkpoint used as template, or a plain list.
   */
  source: 'tfjs-layers' | 'tfjs-graph' | 'keras-json' | 'tf-graph' | 'checkpoint' | 'list';
  label: string;
  variables: TargetVariable[];
  /** The model's topology JSON where its input had one (TF.js `modelTopology`, a Keras model config): TF.js and Keras output write it. */
  topology?: unknown;
  /** Layers that could not be built, and other problems that did not stop the model from being listed. */
  warnings: string[];
  /**
   * Layers of a Keras model Graft could not build (a custom class, a config or input shape it cannot follow): their
   * variables are missing from `variables`, so `match`/`apply` and the page's export refuse the model
   * (`refuseUnbuilt`); `inspect --target` lists it with these as warnings.
   */
  unbuilt?: { layer: string; className: string; reason: string }[];
  /**
   * The default value of `name` as raw little-endian bytes of its dtype and shape: its initializer run with a
   * seed derived from `seed` and the variable name (same recipe → same bytes), or the template's stored bytes.
   */
  defaultValue(name: string, seed: number): Promise<Uint8Array>;
}
