/** What the layer table's builders share: the variables of one layer as Keras numbers and names them, shape helpers. */
import type { DType } from '../dtypes';
import type { InitializerSpec } from '../target-model';
import { initializerFromConfig } from './initializers';
import { type Config, type Shape, isObject, variableDtype } from './keras-config';

/** One variable a layer creates, its names relative to the layer. */
export interface KerasWeight {
  /** Keras' readable path below the layer (`kernel`, `query/kernel`, `conv_lstm_cell/bias`). */
  path: string;
  /** The dataset below the layer's slot in a `.weights.h5` (`vars/0`, `query_dense/vars/1`, `cell/vars/2`). */
  key: string;
  /** The attribute path below the layer's object in a TF object checkpoint (`_kernel`, `_query_dense/bias`); null when untracked. */
  attribute: string | null;
  shape: number[];
  dtype: DType;
  trainable: boolean;
  initializer: InitializerSpec;
}

export interface KerasLayerBuild {
  weights: KerasWeight[];
  outputs: Shape[];
}

interface AddOptions {
  /** The config key of the initializer, or a fixed Keras initializer class. */
  init?: string;
  fixed?: string;
  trainable?: boolean;
  dtype?: DType;
  /** The initializer itself, when no config key gives it. */
  initializer?: InitializerSpec;
  /** The object attribute, when it is not the variable's name (`_kernel`). */
  attribute?: string;
}

/** Keras' defaults for initializers a config leaves out. */
const DEFAULT_INITIALIZERS: Record<string, string> = {
  kernel_initializer: 'GlorotUniform', bias_initializer: 'Zeros', recurrent_initializer: 'Orthogonal',
  embeddings_initializer: 'RandomUniform', gamma_initializer: 'Ones', beta_initializer: 'Zeros',
  moving_mean_initializer: 'Zeros', moving_variance_initializer: 'Ones', depthwise_initializer: 'GlorotUniform',
  pointwise_initializer: 'GlorotUniform', alpha_initializer: 'Zeros',
};

/** The variables of one (sub)layer: its own, trainable first as Keras numbers them, then its sublayers'. */
export class LayerWeights {
  private readonly own: KerasWeight[] = [];
  /** Variables another layer made, listed here keeping their keys; `counted` ones also take one of this layer's indices. */
  private readonly adopted = new Map<KerasWeight, boolean>();
  private readonly subs: LayerWeights[] = [];

  constructor(
    readonly config: Config,
    readonly dtype: DType,
    private readonly path = '',
    private readonly key = '',
    private readonly attribute: string | null = '',
  ) {}

  add(name: string, shape: number[], o: AddOptions = {}): void {
    if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`${name} would have shape [${shape.join(', ')}]; an input dimension it needs is unknown`);
    const fromConfig = o.init ? initializerFromConfig(this.config[o.init]) : null;
    const cls = o.fixed ?? (o.init ? DEFAULT_INITIALIZERS[o.init] : undefined) ?? 'Zeros';
    this.own.push({
      path: `${this.path}${name}`,
      key: '',
      attribute: this.attribute === null ? null : `${this.attribute}${o.attribute ?? name}`,
      shape,
      dtype: o.dtype ?? this.dtype,
      trainable: o.trainable ?? true,
      initializer: o.initializer ?? fromConfig ?? { kind: 'keras', className: cls, config: {} },
    });
  }

  /** Lists a variable another (wrapped) layer created among this layer's, keeping its key and paths. */
  adopt(weight: KerasWeight, counted = false): void {
    this.own.push(weight);
    this.adopted.set(weight, counted);
  }

  /** A sublayer: readable name, `.weights.h5` attribute, object attribute (null: untracked) and its config (default this one). */
  sub(path: string, key: string, attribute: string | null, config: Config = this.config): LayerWeights {
    const tracked = attribute === null || this.attribute === null ? null : `${this.attribute}${attribute}/`;
    const s = new LayerWeights(config, this.dtype, `${this.path}${path}/`, `${this.key}${key}/`, tracked);
    this.subs.push(s);
    return s;
  }

  /** Every variable, in `layer.weights` order, each with its `vars/<i>` key. */
  list(): KerasWeight[] {
    const indexed = this.own.filter((w) => this.adopted.get(w) !== false);
    const ordered = [...indexed.filter((w) => w.trainable), ...indexed.filter((w) => !w.trainable)];
    // `weights` lists own variables in creation order; the index in the file is trainable-first.
    const own = this.own.map((w) => (this.adopted.has(w) ? w : { ...w, key: `${this.key}vars/${ordered.indexOf(w)}` }));
    return [...own, ...this.subs.flatMap((s) => s.list())];
  }
}

export type LayerBuilder = (w: LayerWeights, c: Config, inputs: Shape[]) => Shape[];

/** The dimension of `shape` at `axis` (negative from the end); an error when unknown. */
export function dim(shape: Shape, axis: number, what = 'input'): number {
  const i = axis < 0 ? shape.length + axis : axis;
  const d = shape[i];
  if (d === null || d === undefined) throw new Error(`its ${what} shape [${shape.map((x) => x ?? 'None').join(', ')}] has no known size on axis ${axis}`);
  return d;
}

export const num = (v: unknown, fallback: number): number => (typeof v === 'number' ? v : fallback);
export const bool = (v: unknown, fallback: boolean): boolean => (typeof v === 'boolean' ? v : fallback);
export const ints = (v: unknown, n: number, fallback: number): number[] =>
  Array.isArray(v) ? v.map((x) => num(x, fallback)) : Array(n).fill(num(v, fallback));
export const axes = (v: unknown, fallback: number[]): number[] => (Array.isArray(v) ? v.map((x) => num(x, 0)) : typeof v === 'number' ? [v] : fallback);

/** A config's variable dtype (its dtype policy's), float32 when it names none. */
export const configDtype = (c: Config): DType => variableDtype(c) ?? 'float32';

/** A nested `{class_name, config}` layer object (SpectralNormalization's `layer`). */
export function innerLayer(v: unknown): { className: string; config: Config } | null {
  return isObject(v) && typeof v.class_name === 'string' ? { className: v.class_name, config: isObject(v.config) ? v.config : {} } : null;
}

export const first = (inputs: Shape[]): Shape => {
  if (!inputs[0]) throw new Error('it has no input');
  return inputs[0];
};
