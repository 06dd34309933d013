/**
 * Layer table: EinsumDense and the attention layers (keras/src/layers/core/einsum_dense.py, attention/). The
 * multi-head layers build EinsumDense sublayers; their `.weights.h5` keys follow the attribute saving_lib finds first
 * (MultiHeadAttention's public `query_dense` property, GroupQueryAttention's private `_query_dense`).
 */
import type { Config, Shape } from './keras-config';
import { type LayerBuilder, type LayerWeights, bool, dim, first, num } from './keras-layers-base';

interface Einsum {
  kernel: number[];
  bias: number[] | null;
  output: Shape;
}

/** Keras `_analyze_einsum_string`: kernel, bias and output shapes of an EinsumDense over `input`. */
export function analyzeEinsum(equation: string, biasAxes: string | null, input: Shape, outputShape: unknown): Einsum {
  const eq = equation.replace(/\.\.\./g, '0');
  const m = /^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$/.exec(eq) ?? /^0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$/.exec(eq) ?? /^([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$/.exec(eq);
  if (!m) throw new Error(`its equation ${equation} is not of the form [X],[Y]->[Z], ...[X],[Y]->...[Z] or [X]...,[Y]->[Z]...`);
  const [, inSpec, wSpec, outSpec] = m as unknown as [string, string, string, string];
  const left = eq.startsWith('0');
  const elided = input.length - inSpec.length;
  const out: Shape = (Array.isArray(outputShape) ? outputShape : [outputShape]).map((d) => (typeof d === 'number' ? d : null));
  out.unshift(input[0] ?? null);
  if (elided > 0 && left) for (let i = 1; i < elided; i++) out.splice(1, 0, input[i] ?? null);
  else if (elided > 0) for (let i = input.length - elided; i < input.length; i++) out.push(input[i] ?? null);
  const inAt = (c: string) => (left ? inSpec.indexOf(c) + elided : inSpec.indexOf(c));
  const outAt = (c: string) => (left ? outSpec.indexOf(c) + elided : outSpec.indexOf(c));
  // What einsum computes: an output axis Keras leaves None takes the input's size on the same letter.
  for (const c of outSpec) if (out[outAt(c)] === null && inSpec.includes(c)) out[outAt(c)] = input[inAt(c)] ?? null;
  const kernel = [...wSpec].map((c) => {
    const d = outSpec.includes(c) ? out[outAt(c)] : inSpec.includes(c) ? input[inAt(c)] : undefined;
    if (d === undefined) throw new Error(`the kernel axis ${c} of ${equation} is neither in the input nor in the output`);
    if (d === null) throw new Error(`the kernel axis ${c} of ${equation} has no known size`);
    return d;
  });
  let bias: number[] | null = null;
  if (biasAxes) {
    const from = Math.min(...[...biasAxes].map((c) => outSpec.indexOf(c)));
    if (from < 0) throw new Error(`its bias axes ${biasAxes} are not all in the output ${outSpec}`);
    bias = [...outSpec.slice(from)].map((c) => (biasAxes.includes(c) ? (out[outAt(c)] ?? NaN) : 1));
    if (!left) for (let i = 0; i < elided; i++) bias.push(1);
  }
  return { kernel, bias, output: out };
}

function einsumDense(w: LayerWeights, equation: string, biasAxes: string | null, input: Shape, outputShape: unknown): Shape {
  const e = analyzeEinsum(equation, biasAxes, input, outputShape);
  w.add('kernel', e.kernel, { init: 'kernel_initializer', attribute: '_kernel' });
  if (e.bias) w.add('bias', e.bias, { init: 'bias_initializer' });
  return e.output;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** Keras' `_build_proj_equation`: the equation and bias axes of a projection over `free` + `bound` axes. */
function projEquation(free: number, bound: number, outputs: number): { equation: string; bias: string } {
  let i = 0;
  let input = '';
  let kernel = '';
  let output = '';
  let bias = '';
  for (let f = 0; f < free; f++, i++) {
    input += LETTERS[i];
    output += LETTERS[i];
  }
  for (let b = 0; b < bound; b++, i++) {
    input += LETTERS[i];
    kernel += LETTERS[i];
  }
  for (let o = 0; o < outputs; o++, i++) {
    kernel += LETTERS[i];
    output += LETTERS[i];
    bias += LETTERS[i];
  }
  return { equation: `${input},${kernel}->${output}`, bias };
}

/** A projection sublayer of a multi-head attention layer (`query`, `key`, `value`, `attention_output`, `gate`). */
function projection(w: LayerWeights, name: string, key: string, attribute: string, input: Shape, bound: number, heads: number[], useBias: boolean): Shape {
  const free = input.length - bound;
  const p = projEquation(free, bound, heads.length);
  const outputShape = [...Array(free - 1).fill(null), ...heads];
  return einsumDense(w.sub(name, key, attribute), p.equation, useBias ? p.bias : null, input, outputShape);
}

const MultiHeadAttention: LayerBuilder = (w, c, inputs) => {
  const [query, value] = [first(inputs), inputs[1] ?? first(inputs)];
  const keyShape = inputs[2] ?? value;
  const heads = num(c.num_heads, NaN);
  const keyDim = num(c.key_dim, NaN);
  const valueDim = num(c.value_dim, keyDim);
  const useBias = bool(c.use_bias, true);
  const q = projection(w, 'query', 'query_dense', '_query_dense', query, 1, [heads, keyDim], useBias);
  projection(w, 'key', 'key_dense', '_key_dense', keyShape, 1, [heads, keyDim], useBias);
  if (c.use_gate === true) projection(w, 'gate', '_gate_dense', '_gate_dense', query, 1, [heads, valueDim], useBias);
  projection(w, 'value', 'value_dense', '_value_dense', value, 1, [heads, valueDim], useBias);
  const outputShape = Array.isArray(c.output_shape) ? c.output_shape.map((d) => num(d, NaN)) : typeof c.output_shape === 'number' ? [c.output_shape] : [dim(query, -1, 'query')];
  const attended: Shape = [...q.slice(0, -1), valueDim];
  const out = projection(w, 'attention_output', 'output_dense', '_output_dense', attended, 2, outputShape, useBias);
  return [out];
};

const GroupQueryAttention: LayerBuilder = (w, c, inputs) => {
  const [query, value] = [first(inputs), inputs[1] ?? first(inputs)];
  const keyShape = inputs[2] ?? value;
  const headDim = num(c.head_dim, NaN);
  const qHeads = num(c.num_query_heads, NaN);
  const kvHeads = num(c.num_key_value_heads, NaN);
  const b = (axes: string) => (bool(c.use_bias, true) ? axes : null);
  const q = einsumDense(w.sub('query', '_query_dense', '_query_dense'), 'bqm,muh->bquh', b('uh'), query, [null, qHeads, headDim]);
  einsumDense(w.sub('key', '_key_dense', '_key_dense'), 'bkm,mvh->bkvh', b('vh'), keyShape, [null, kvHeads, headDim]);
  if (c.use_gate === true) einsumDense(w.sub('gate', '_gate_dense', '_gate_dense'), 'bqm,muh->bquh', b('uh'), query, [null, qHeads, headDim]);
  einsumDense(w.sub('value', '_value_dense', '_value_dense'), 'bkm,mvh->bkvh', b('vh'), value, [null, kvHeads, headDim]);
  const out = einsumDense(w.sub('attention_output', '_output_dense', '_output_dense'), 'bquh,uhm->bqm', b('m'), q, [null, dim(query, -1, 'query')]);
  return [out];
};

export const ATTENTION: Record<string, LayerBuilder> = {
  EinsumDense(w, c, inputs) {
    const equation = typeof c.equation === 'string' ? c.equation : '';
    return [einsumDense(w, equation, typeof c.bias_axes === 'string' ? c.bias_axes : null, first(inputs), c.output_shape)];
  },
  MultiHeadAttention,
  GroupQueryAttention,
  GroupedQueryAttention: GroupQueryAttention,
  Attention(w, c, inputs) {
    const [query, value] = [first(inputs), inputs[1] ?? first(inputs)];
    if (c.use_scale === true) w.add('scale', [], { fixed: 'Ones' });
    if (c.score_mode === 'concat') w.add('concat_score_weight', [], { fixed: 'Ones' });
    return [[...query.slice(0, -1), value[value.length - 1] ?? null]];
  },
  AdditiveAttention(w, c, inputs) {
    const [query, value] = [first(inputs), inputs[1] ?? first(inputs)];
    if (bool(c.use_scale, true)) w.add('scale', [dim(query, -1, 'query')], { fixed: 'GlorotUniform' });
    return [[...query.slice(0, -1), value[value.length - 1] ?? null]];
  },
};

