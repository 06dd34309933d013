/**
 * Layers built without TensorFlow.js: the layer table's classes for which it gives exactly the variables TF.js gives
 * (names, shapes, dtypes, initializers, paths, order; build-fast.test.ts compares the two on Keras-written configs),
 * and the output shapes of common layers without variables. A model made of these (the built-in example, most CNNs
 * and MLPs) opens without loading TF.js' 1.6 MB. Null means "not sure": the layer goes to TF.js as before.
 */
import type { TargetVariable } from '../target-model';
import { type TablePlace, tableLayer, variableFreeOutputs } from './build-table';
import type { Config, LayerSpec, Shape } from './keras-config';
import { ints, num } from './keras-layers-base';

export interface BuiltLayer {
  variables: TargetVariable[];
  outputs: Shape[];
}

/** Table classes built here; their configs' options that TF.js builds differently send the layer to TF.js. */
const SAME_AS_TFJS: Record<string, (c: Config, input: Shape) => boolean> = {
  Dense: () => true,
  Embedding: () => true,
  // TF.js gives a causal convolution the output length of a valid one; Keras keeps the input's.
  Conv1D: (c, s) => s.length === 3 && plainConvolution(c),
  Conv2D: (c, s) => s.length === 4 && plainConvolution(c),
  Conv3D: (c, s) => s.length === 5 && plainConvolution(c),
  BatchNormalization: (c) => c.renorm !== true && oneAxis(c.axis),
  LayerNormalization: (c) => c.rms_scaling !== true && oneAxis(c.axis),
};

function plainConvolution(c: Config): boolean {
  return num(c.groups, 1) === 1 && (c.padding === 'valid' || c.padding === 'same' || c.padding === undefined);
}

const oneAxis = (axis: unknown) => axis === undefined || typeof axis === 'number' || (Array.isArray(axis) && axis.length === 1);

const known = (s: Shape): s is number[] => s.every((d) => d !== null);

function pooled(rank: number, c: Config, s: Shape): Shape | null {
  if (s.length !== rank + 2 || (c.padding !== 'valid' && c.padding !== 'same')) return null;
  const first = c.data_format === 'channels_first';
  const spatial = first ? s.slice(2) : s.slice(1, -1);
  const pool = ints(c.pool_size, rank, 2);
  const strides = c.strides === null || c.strides === undefined ? pool : ints(c.strides, rank, 1);
  if (!known(spatial) || pool.length !== rank || strides.length !== rank) return null;
  const out = spatial.map((len, i) => (c.padding === 'same' ? Math.ceil(len / strides[i]!) : Math.floor((len - pool[i]!) / strides[i]!) + 1));
  if (out.some((d) => !(d > 0))) return null;
  return first ? [s[0]!, s[1]!, ...out] : [s[0]!, ...out, s[s.length - 1]!];
}

/** Only a fully given target shape: TF.js leaves a -1 dimension unknown (null) where Keras works it out. */
function reshaped(c: Config, s: Shape): Shape | null {
  const target = c.target_shape;
  if (!Array.isArray(target) || !target.every((d) => Number.isInteger(d) && d > 0) || !known(s.slice(1))) return null;
  const size = (s.slice(1) as number[]).reduce((a, b) => a * b, 1);
  return (target as number[]).reduce((a, b) => a * b, 1) === size ? [s[0]!, ...(target as number[])] : null;
}

function concatenated(c: Config, inputs: Shape[]): Shape | null {
  const rank = inputs[0]!.length;
  const axis = num(c.axis, -1) < 0 ? num(c.axis, -1) + rank : num(c.axis, -1);
  if (axis <= 0 || axis >= rank || inputs.some((s) => s.length !== rank || !known(s.slice(1)))) return null;
  if (inputs.some((s) => s.some((d, i) => i > 0 && i !== axis && d !== inputs[0]![i]))) return null;
  return inputs[0]!.map((d, i) => (i === axis ? inputs.reduce((a, s) => a + (s[i] as number), 0) : d));
}

// The variable-free classes TF.js has (its Subtract and 3D global pooling are missing: those stay for TF.js to refuse).
const MERGES = new Set(['Add', 'Multiply', 'Average', 'Maximum', 'Minimum']);
const same = (a: Shape, b: Shape) => a.length === b.length && a.every((d, i) => d === b[i]);

/** The output shapes of a layer that creates no variables, where they follow plainly from its inputs; null otherwise. */
export function shapeOnly(className: string, c: Config, inputs: Shape[]): Shape[] | null {
  const s = inputs[0];
  if (!s || inputs.some((x) => x.length === 0)) return null;
  const free = variableFreeOutputs(className, inputs);
  if (Array.isArray(free)) return free;
  const pool = /^(?:Max|Average)Pooling([123])D$/.exec(className);
  if (pool) return inputs.length === 1 ? wrap(pooled(Number(pool[1]), c, s)) : null;
  const global = /^Global(?:Max|Average)Pooling([12])D$/.exec(className);
  if (global) {
    if (inputs.length !== 1 || s.length !== Number(global[1]) + 2 || c.keepdims === true) return null;
    return [[s[0]!, c.data_format === 'channels_first' ? s[1]! : s[s.length - 1]!]];
  }
  if (className === 'Flatten') return inputs.length === 1 && s.length >= 3 && known(s.slice(1)) ? [[s[0]!, (s.slice(1) as number[]).reduce((a, b) => a * b, 1)]] : null;
  if (className === 'Reshape') return inputs.length === 1 ? wrap(reshaped(c, s)) : null;
  if (className === 'Concatenate') return inputs.length >= 2 ? wrap(concatenated(c, inputs)) : null;
  if (MERGES.has(className)) return inputs.length >= 2 && inputs.every((x) => known(x.slice(1)) && same(x, s)) ? [s] : null;
  return null;
}

const wrap = (s: Shape | null): Shape[] | null => (s ? [s] : null);

/** The layer built without TF.js, or null when this module is not sure to build what TF.js would. */
export function fastLayer(spec: LayerSpec, inputs: Shape[], trainable: boolean, place: TablePlace): BuiltLayer | null {
  const accepts = SAME_AS_TFJS[spec.className];
  if (accepts) {
    if (inputs.length !== 1 || !accepts(spec.config, inputs[0]!)) return null;
    try {
      return tableLayer(spec, inputs, trainable, place);
    } catch {
      return null; // TF.js says what is wrong with the config, as it did before
    }
  }
  const outputs = shapeOnly(spec.className, spec.config, inputs);
  return outputs && { variables: [], outputs };
}
